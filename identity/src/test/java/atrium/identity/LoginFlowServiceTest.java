package atrium.identity;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Optional;
import org.junit.jupiter.api.Test;

class LoginFlowServiceTest {
    @Test
    void the_user_agent_names_the_client_without_control_characters_or_excess_length() {
        assertThat(LoginFlowService.clientName(Optional.of("Mozilla/5.0 (Linux) mirall/3.7.3git (nextcloudcmd)")))
                .isEqualTo("Mozilla/5.0 (Linux) mirall/3.7.3git (nextcloudcmd)");
        assertThat(LoginFlowService.clientName(Optional.of(" a\tb\r\n\u0000c  "))).isEqualTo("a b c");
        assertThat(LoginFlowService.clientName(Optional.of(" \t"))).isEqualTo(LoginFlowService.UNNAMED_CLIENT);
        assertThat(LoginFlowService.clientName(Optional.empty())).isEqualTo(LoginFlowService.UNNAMED_CLIENT);
        assertThat(LoginFlowService.clientName(Optional.of("x".repeat(500)))).hasSize(200);
        // A character outside the BMP is never cut in half.
        String emoji = "x".repeat(199) + "\uD83D\uDE00";
        assertThat(LoginFlowService.clientName(Optional.of(emoji))).isEqualTo("x".repeat(199));
    }
}
