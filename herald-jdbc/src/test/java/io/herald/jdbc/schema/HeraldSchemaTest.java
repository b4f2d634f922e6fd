package io.herald.jdbc.schema;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.herald.jdbc.HeraldJdbcException;
import io.herald.jdbc.TestPostgres;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

class HeraldSchemaTest {

    @Test
    void migrateAppliesEachVersionOnceAndRecordsIt() throws Exception {
        DataSource ds = TestPostgres.newDatabase();
        try (Connection c = ds.getConnection()) {
            assertThat(HeraldSchema.currentVersion(c)).isZero();
        }
        assertThat(HeraldSchema.migrate(ds)).containsExactly(1);
        assertThat(HeraldSchema.migrate(ds)).isEmpty();
        try (Connection c = ds.getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT version FROM herald_schema_version")) {
            assertThat(HeraldSchema.currentVersion(c)).isEqualTo(HeraldSchema.latestVersion());
            assertThat(rs.next()).isTrue();
            assertThat(rs.getInt(1)).isEqualTo(1);
            assertThat(rs.next()).as("one row per version").isFalse();
        }
    }

    @Test
    void instancesStartingTogetherApplyTheScriptOnce() throws Exception {
        DataSource ds = TestPostgres.newDatabase();
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Callable<List<Integer>>> calls = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                calls.add(() -> HeraldSchema.migrate(ds));
            }
            List<Integer> applied = new ArrayList<>();
            for (Future<List<Integer>> f : pool.invokeAll(calls)) {
                applied.addAll(f.get());
            }
            assertThat(applied).containsExactly(1);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void aScriptAppliedByAnotherToolIsNotAppliedAgain() throws Exception {
        DataSource ds = TestPostgres.newDatabase();
        try (Connection c = ds.getConnection(); Statement s = c.createStatement()) {
            s.execute(HeraldSchema.script(1)); // as Flyway or Liquibase would run the file
        }
        assertThat(HeraldSchema.migrate(ds)).isEmpty();
    }

    @Test
    void aNewerDatabaseIsRefusedWithAMessageThatSaysWhatToDo() throws Exception {
        DataSource ds = TestPostgres.newMigratedDatabase();
        try (Connection c = ds.getConnection(); Statement s = c.createStatement()) {
            s.execute("INSERT INTO herald_schema_version (version) VALUES (99)");
        }
        assertThatThrownBy(() -> HeraldSchema.migrate(ds))
                .isInstanceOf(HeraldJdbcException.class)
                .hasMessageContaining("version 99")
                .hasMessageContaining("upgrade herald-jdbc");
    }

    @Test
    void unknownScriptVersionsAreRefused() {
        assertThatThrownBy(() -> HeraldSchema.script(0)).hasMessage("Herald schema versions are 1 to 1, got 0");
        assertThat(HeraldSchema.script(1)).contains("CREATE TABLE herald_outbox");
    }
}
