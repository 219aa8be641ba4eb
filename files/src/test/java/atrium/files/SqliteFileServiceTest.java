package atrium.files;

import atrium.core.db.Database;
import atrium.core.db.TestDatabases;

class SqliteFileServiceTest extends FileServiceContract {
    @Override
    Database database() {
        return TestDatabases.sqlite();
    }
}
