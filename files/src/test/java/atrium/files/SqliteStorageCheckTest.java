package atrium.files;

import atrium.core.db.Database;
import atrium.core.db.TestDatabases;
import java.util.List;

class SqliteStorageCheckTest extends StorageCheckContract {
    @Override
    Database database() {
        return TestDatabases.sqlite();
    }

    @Override
    void withoutForeignKeys(List<String> statements) {
        db.jdbi().useHandle(h -> {
            h.execute("PRAGMA foreign_keys = OFF");
            try {
                statements.forEach(h::execute);
            } finally {
                h.execute("PRAGMA foreign_keys = ON");
            }
        });
    }
}
