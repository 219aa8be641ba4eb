package atrium.files.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class DepthTest {
    @Test
    void the_three_depths_parse_in_any_case_and_print_back() {
        assertThat(Depth.parse("0")).isEqualTo(Depth.ZERO);
        assertThat(Depth.parse("1")).isEqualTo(Depth.ONE);
        assertThat(Depth.parse("infinity")).isEqualTo(Depth.INFINITY);
        assertThat(Depth.parse(" Infinity ")).isEqualTo(Depth.INFINITY);
        assertThat(Depth.INFINITY.header()).isEqualTo("infinity");
        assertThat(Depth.ZERO.header()).isEqualTo("0");
    }

    @Test
    void any_other_depth_is_a_400() {
        for (String bad : List.of("", "2", "-1", "infinite", "1,noroot", "0 1")) {
            assertThatThrownBy(() -> Depth.parse(bad)).as(bad)
                    .isInstanceOfSatisfying(DavException.class, e -> assertThat(e.status()).isEqualTo(400));
        }
    }

    @Test
    void only_two_shared_locks_are_compatible() {
        assertThat(LockScope.SHARED.compatibleWith(LockScope.SHARED)).isTrue();
        assertThat(LockScope.SHARED.compatibleWith(LockScope.EXCLUSIVE)).isFalse();
        assertThat(LockScope.EXCLUSIVE.compatibleWith(LockScope.SHARED)).isFalse();
        assertThat(LockScope.EXCLUSIVE.compatibleWith(LockScope.EXCLUSIVE)).isFalse();
        assertThat(LockScope.EXCLUSIVE.element()).isEqualTo("exclusive");
    }
}
