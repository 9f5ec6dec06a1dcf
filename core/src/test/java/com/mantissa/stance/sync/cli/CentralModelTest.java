package com.mantissa.stance.sync.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.mantissa.stance.sync.cli.CentralModel.Damage;
import com.mantissa.stance.sync.cli.CentralModel.Held;
import com.mantissa.stance.sync.cli.CentralModel.Line;
import com.mantissa.stance.sync.cli.CentralModel.Resolve;
import com.mantissa.stance.sync.cli.CentralModel.Snapshot;
import com.mantissa.stance.sync.model.RecordPaths;
import com.mantissa.stance.sync.testing.CliRunner;
import com.mantissa.stance.sync.wire.JsonParser;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.state.Action;
import net.jqwik.api.state.ActionChain;
import net.jqwik.api.state.Transformer;

/**
 * Random sequences of what users do to one account's central through the CLI (pushes of new,
 * re-pushed, damaged, truncated and id-duplicating snapshots with and without resolve-missing
 * or force, pushes that
 * re-check every record, pushes cut by their deadline, prunes of a provider or the whole account, records deleted
 * behind the engine's back, exports), after each step compared with {@link CentralModel}: every
 * record, each provider's status row and the newest export. The same property runs on a folder
 * central and on an S3 bucket on moto ({@link ModelCentral}). A failing sequence shrinks to a
 * short one, to be kept as a plain regression test. How many sequences:
 * {@code jqwik.tries.default} (a few in the normal and quick builds, see
 * {@code junit-platform.properties}; many more in {@code .ci/run}).
 */
class CentralModelTest {
    static final String ACCOUNT = "111111111111";
    static final List<String> PROVIDERS = List.of("aws", "azure");
    static final int FINDINGS = 4;
    static final int ASSETS = 3;
    private static Path root;

    @Property(shrinking = net.jqwik.api.ShrinkingMode.FULL)
    void aFolderCentralAlwaysHoldsWhatTheRulesSay(@ForAll("onAFolder") ActionChain<World> chain) {
        chain.withInvariant("central equals the model", World::check).run();
    }

    @Property(shrinking = net.jqwik.api.ShrinkingMode.FULL)
    void anS3CentralAlwaysHoldsWhatTheRulesSay(@ForAll("onS3") ActionChain<World> chain) {
        chain.withInvariant("central equals the model", World::check).run();
    }

    @Provide
    Arbitrary<ActionChain<World>> onAFolder() {
        return sequences(ModelCentral.Kind.FOLDER);
    }

    @Provide
    Arbitrary<ActionChain<World>> onS3() {
        return sequences(ModelCentral.Kind.S3);
    }

    private static Arbitrary<ActionChain<World>> sequences(ModelCentral.Kind kind) {
        return ActionChain.<World>startWith(() -> new World(kind))
                .withAction(4, new CentralModelActions.PushNew())
                .withAction(2, new CentralModelActions.Repush())
                .withAction(1, new CentralModelActions.DeadlineCutPush())
                .withAction(1, Action.just(Transformer.mutate("prune aws", w -> w.prune("aws"))))
                .withAction(1, Action.just(Transformer.mutate("prune azure", w -> w.prune("azure"))))
                .withAction(1, Action.just(Transformer.mutate("prune the account", World::pruneAccount)))
                .withAction(1, new CentralModelActions.DeleteBehindTheEnginesBack())
                .withAction(1, Action.just(Transformer.mutate("export", World::export)))
                .withMaxTransformations(10);
    }

    @AfterContainer
    static void removeFolders() throws IOException {
        ModelCentral.closeAll();
        if (root != null) {
            try (Stream<Path> all = Files.walk(root)) {
                for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(p);
                }
            }
        }
    }

    private static synchronized Path root() throws IOException {
        if (root == null) {
            root = Files.createTempDirectory("central-model");
        }
        return root;
    }

    /** One central (a folder or a bucket), the scans pushed into it, and the model. */
    static final class World {
        /** ISO-8601 for one nanosecond: passed before a push makes its first store call. */
        static final String CUT_AT_ONCE = "PT0.000000001S";
        final CentralModel model = new CentralModel();
        final List<Snapshot> pushed = new ArrayList<>();
        final Path dir;
        final ModelCentral store;
        final String central;
        private int clock;
        private int exports;

        World(ModelCentral.Kind kind) {
            try {
                dir = Files.createTempDirectory(root(), "world");
                Files.createDirectories(dir.resolve("central"));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            store = ModelCentral.create(kind, dir);
            central = store.centralUri();
        }

        @Override
        public String toString() {
            return "world on " + central;
        }

        /**
         * A snapshot of {@code provider}: finding i with code c > 0 (c <= 2 open, else resolved;
         * c % 2 its title), asset i with code c > 0; {@code duplicate} >= 0 names a finding whose
         * second copy (other status, other title) ends the findings file.
         */
        Snapshot snapshot(String provider, List<Integer> findings, List<Integer> assets, Damage damage,
                          int duplicate) {
            List<Line> f = new ArrayList<>();
            for (int i = 0; i < findings.size(); i++) {
                int c = findings.get(i);
                if (c > 0) {
                    f.add(new Line(provider + "-f" + i, c <= 2 ? "open" : "resolved", c % 2));
                }
            }
            if (duplicate >= 0 && findings.get(duplicate) > 0) {
                int c = findings.get(duplicate);
                f.add(new Line(provider + "-f" + duplicate, c <= 2 ? "resolved" : "open", 1 - c % 2));
            }
            List<Line> a = new ArrayList<>();
            for (int i = 0; i < assets.size(); i++) {
                if (assets.get(i) > 0) {
                    a.add(new Line(provider + "-a" + i, null, assets.get(i) % 2));
                }
            }
            return new Snapshot(provider, ++clock, f, a, damage == Damage.CUT_LINE && !f.isEmpty(),
                    damage == Damage.TRUNCATED);
        }

        void push(Snapshot s, Resolve resolve, boolean recheck) {
            List<String> args = pushArgs(s, resolve);
            if (recheck) {
                args.addAll(List.of("--index-max-age", "0"));
            }
            CentralModel.Expected expected = model.push(s, resolve, recheck);
            CliRunner.Result r = CliRunner.run(args.toArray(String[]::new));
            assertEquals(expected.exitCode(), r.exitCode(), "push exit code: " + r.out() + r.err());
            if (resolve != Resolve.NONE && expected.exitCode() == 0) {
                assertEquals(s.truncated() ? 1 : 0, r.err().split("is truncated", -1).length - 1,
                        "one warning for a truncated snapshot: " + r.err());
            }
            adoptUnknown();
        }

        /**
         * A push cut by its deadline: each record it would have written holds either its old
         * content or the push's; the provider's last complete push stays its status, and the
         * failed attempt is shown.
         */
        void cutPush(Snapshot s, Resolve resolve) {
            List<String> args = pushArgs(s, resolve);
            args.addAll(List.of("--deadline", CUT_AT_ONCE));
            Map<String, Object> before = statusRows().get(s.provider());
            if (resolve != Resolve.NONE && model.refused(s, resolve, new ArrayList<>(), new ArrayList<>())) {
                // The pass is planned from a census of the snapshot before the push starts.
                CliRunner.Result r = CliRunner.run(args.toArray(String[]::new));
                assertEquals(1, r.exitCode(), "refused: " + r.out() + r.err());
                assertTrue(r.err().contains("refused"), r.err());
                return;
            }
            Map<String, Held> landed = model.cutPush(s);
            CliRunner.Result r = CliRunner.run(args.toArray(String[]::new));
            assertEquals(1, r.exitCode(), "cut push exit code: " + r.out() + r.err());
            assertTrue(r.err().contains("deadline"), "the push says its deadline cut it: " + r.err());
            Map<String, Map<String, Object>> actual = store.records();
            landed.forEach((id, pushedContent) -> {
                Held now = actual.containsKey(id) ? held(actual.get(id)) : null;
                if (pushedContent.equals(now)) {
                    model.central.put(id, pushedContent);
                } else {
                    assertEquals(model.central.get(id), now, id + ": either its old content or the cut push's");
                }
            });
            adoptUnknown();
            Map<String, Object> after = statusRows().get(s.provider());
            assertEquals(false, after.get("last_attempt_ok"), "a cut push is a failed attempt: " + after);
            assertEquals(before == null ? null : before.get("last_push"), after.get("last_push"),
                    "a cut push is not the last push: " + after);
        }

        private List<String> pushArgs(Snapshot s, Resolve resolve) {
            if (!pushed.contains(s)) {
                pushed.add(s);
            }
            Path scan = ModelScanFiles.write(dir.resolve("scans"), s);
            List<String> args = new ArrayList<>(List.of("push", "--source", scan.toString(), "--central",
                    central, "--account", ACCOUNT, "--provider", s.provider(), "--quiet"));
            if (resolve != Resolve.NONE) {
                args.add("--resolve-missing");
            }
            if (resolve == Resolve.FORCE) {
                args.add("--force-resolve");
            }
            return args;
        }

        void prune(String provider) {
            CliRunner.Result r = CliRunner.run("prune", "--central", central, "--account", ACCOUNT,
                    "--provider", provider, "--json");
            adoptUnknown(); // what central holds of them decides whether the state folder stays
            model.prune(provider);
            assertEquals(0, r.exitCode(), r.out() + r.err());
        }

        /**
         * Prune of the whole account (central's only one): its records, {@code _state/{account}/}
         * and {@code _changes/{account}/} go, so central has no {@code _state/} and {@code status}
         * is a configuration error.
         */
        void pruneAccount() {
            adoptUnknown();
            long findings = model.central.values().stream().filter(h -> h.status() != null).count();
            long assets = model.central.size() - findings;
            CliRunner.Result r = CliRunner.run("prune", "--central", central, "--account", ACCOUNT, "--json");
            model.pruneAccount();
            assertEquals(0, r.exitCode(), r.out() + r.err());
            assertEquals(findings, ((Number) r.json().get("findings_removed")).longValue(), r.out());
            assertEquals(assets, ((Number) r.json().get("assets_removed")).longValue(), r.out());
            assertEquals(List.of(), store.keys("_state/" + ACCOUNT + "/"), "the account's state");
            assertEquals(List.of(), store.keys("_changes/" + ACCOUNT + "/"), "the account's change feed");
            assertEquals(2, CliRunner.run("status", "--central", central, "--json").exitCode(),
                    "status of a central with no state");
        }

        void deleteRecord(String id) {
            store.delete(key(id));
            model.deletedBehindTheEnginesBack(id);
        }

        /**
         * Exports, then reads the newest snapshot back (a new one, or the last when central did not
         * change): it must hold exactly central's records.
         */
        void export() {
            CliRunner.Result r = CliRunner.run("export", "--central", central, "--target",
                    store.exportUri(), "--keep", "2", "--snapshot", "s" + (++exports), "--quiet");
            assertEquals(0, r.exitCode(), r.out() + r.err());
            Map<String, Object> manifest = JsonParser.parseObject(
                    store.exported("snapshots/manifest.json").orElseThrow());
            @SuppressWarnings("unchecked")
            String newest = (String) ((List<Map<String, Object>>) manifest.get("snapshots")).get(0).get("id");
            Map<String, String> exported = new TreeMap<>();
            for (String kind : List.of("findings", "assets")) {
                String file = store.exported(kind + "/" + newest + "/" + kind + ".jsonl").orElse("");
                for (String line : file.lines().filter(l -> !l.isBlank()).toList()) {
                    exported.put((String) JsonParser.parseObject(line).get("id"), line);
                }
            }
            assertEquals(store.records().keySet(), exported.keySet(), "the export holds central's records");
        }

        /** The invariant: every record, and each provider's status row. */
        void check() {
            Map<String, Map<String, Object>> actual = store.records();
            Map<String, Held> expected = new TreeMap<>(model.central);
            assertEquals(expected.keySet(), actual.keySet(), "the ids central holds");
            expected.forEach((id, held) -> {
                Map<String, Object> record = actual.get(id);
                assertEquals(held.provider(), record.get("_source_provider"), id);
                assertEquals(held.status(), record.get("status"), id + " status");
                assertEquals(seen(held.seen()), record.get("last_seen"), id + " last_seen");
                assertEquals(title(id, held.title()), held.status() == null ? record.get("name") : record.get("title"),
                        id + " content");
                assertEquals(held.byResolvePass(), record.containsKey("_resolved_reason"), id + " resolved by a pass");
            });
            assertEquals(model.statusFindings, statusFindings(), "each provider's status: findings");
        }

        /** Unknown ids are whatever central holds of them. */
        private void adoptUnknown() {
            if (model.unknown.isEmpty()) {
                return;
            }
            Map<String, Map<String, Object>> actual = store.records();
            for (String id : model.unknown) {
                Map<String, Object> r = actual.get(id);
                if (r == null) {
                    model.central.remove(id);
                } else {
                    model.central.put(id, held(r));
                }
            }
        }

        /** A record of central as the model writes it down. */
        private static Held held(Map<String, Object> r) {
            Object status = r.get("status");
            int title = String.valueOf(status == null ? r.get("name") : r.get("title")).endsWith("1") ? 1 : 0;
            int seen = Integer.parseInt(((String) r.get("last_seen")).substring(14, 16));
            return new Held((String) r.get("_source_provider"), (String) status, title, seen,
                    r.containsKey("_resolved_reason"));
        }

        /** Each provider's findings count; null for a provider with no complete push. */
        private Map<String, Long> statusFindings() {
            Map<String, Long> out = new TreeMap<>();
            statusRows().forEach((provider, row) -> out.put(provider, (Long) row.get("findings")));
            return out;
        }

        private Map<String, Map<String, Object>> statusRows() {
            CliRunner.Result r = CliRunner.run("status", "--central", central, "--json");
            Map<String, Map<String, Object>> out = new TreeMap<>();
            if (r.exitCode() == 2) {
                return out; // no state at all under the prefix
            }
            @SuppressWarnings("unchecked")
            List<Map<String, Object>> rows = (List<Map<String, Object>>) r.json().get("accounts");
            for (Map<String, Object> row : rows) {
                out.put((String) row.get("provider"), row);
            }
            return out;
        }

        private static String key(String id) {
            return id.contains("-f") ? RecordPaths.findingPath("aggregated", ACCOUNT, id)
                    : RecordPaths.assetPath("aggregated", ACCOUNT, id);
        }

        private static String seen(int minute) {
            return ModelScanFiles.seen(minute);
        }

        private static String title(String id, int variant) {
            return ModelScanFiles.title(id, variant);
        }
    }
}
