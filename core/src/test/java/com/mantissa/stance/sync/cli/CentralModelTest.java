package com.mantissa.stance.sync.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

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
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.state.Action;
import net.jqwik.api.state.ActionChain;
import net.jqwik.api.state.Transformer;

/**
 * Random sequences of what users do to one account's central folder through the CLI (pushes of
 * new, re-pushed and damaged snapshots with and without resolve-missing or force, pushes that
 * re-check every record, prunes of a provider, records deleted behind the engine's back,
 * exports), after each step compared with {@link CentralModel}: every record, each provider's
 * status row and the newest export. A failing sequence shrinks to a short one, to be kept as a
 * plain regression test. How many sequences: {@code jqwik.tries.default} (a few in the normal
 * and quick builds, see {@code junit-platform.properties}; many more in {@code .ci/run}).
 */
class CentralModelTest {
    static final String ACCOUNT = "111111111111";
    static final List<String> PROVIDERS = List.of("aws", "azure");
    static final int FINDINGS = 4;
    static final int ASSETS = 3;
    private static Path root;

    @Property(shrinking = net.jqwik.api.ShrinkingMode.FULL)
    void centralAlwaysHoldsWhatTheRulesSay(@ForAll("sequences") ActionChain<World> chain) {
        chain.withInvariant("central equals the model", World::check).run();
    }

    @Provide
    Arbitrary<ActionChain<World>> sequences() {
        return ActionChain.<World>startWith(World::new)
                .withAction(4, new PushNew())
                .withAction(2, new Repush())
                .withAction(1, Action.just(Transformer.mutate("prune aws", w -> w.prune("aws"))))
                .withAction(1, Action.just(Transformer.mutate("prune azure", w -> w.prune("azure"))))
                .withAction(1, new DeleteBehindTheEnginesBack())
                .withAction(1, Action.just(Transformer.mutate("export", World::export)))
                .withMaxTransformations(10);
    }

    @AfterContainer
    static void removeFolders() throws IOException {
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

    static final class PushNew implements Action.Independent<World> {
        @Override
        public Arbitrary<Transformer<World>> transformer() {
            Arbitrary<List<Integer>> findings = Arbitraries.integers().between(0, 4).list().ofSize(FINDINGS);
            Arbitrary<List<Integer>> assets = Arbitraries.integers().between(0, 2).list().ofSize(ASSETS);
            return Combinators.combine(Arbitraries.of(PROVIDERS), findings, assets,
                    Arbitraries.of(Resolve.class), Arbitraries.of(false, true),
                    Arbitraries.frequency(net.jqwik.api.Tuple.of(9, false), net.jqwik.api.Tuple.of(1, true)))
                    .as((provider, f, a, resolve, recheck, damaged) -> Transformer.mutate(
                            "push new " + provider + " findings " + f + " assets " + a + " " + resolve
                                    + (recheck ? " index-max-age 0" : "") + (damaged ? " damaged" : ""),
                            w -> w.push(w.snapshot(provider, f, a, damaged), resolve, recheck)));
        }
    }

    static final class Repush implements Action.Dependent<World> {
        @Override
        public boolean precondition(World w) {
            return !w.pushed.isEmpty();
        }

        @Override
        public Arbitrary<Transformer<World>> transformer(World w) {
            return Combinators.combine(Arbitraries.integers().between(0, w.pushed.size() - 1),
                    Arbitraries.of(Resolve.class), Arbitraries.of(false, true)).as((i, resolve, recheck) ->
                    Transformer.mutate("re-push snapshot " + i + " " + resolve + (recheck ? " index-max-age 0" : ""),
                            world -> world.push(world.pushed.get(i), resolve, recheck)));
        }
    }

    static final class DeleteBehindTheEnginesBack implements Action.Dependent<World> {
        @Override
        public boolean precondition(World w) {
            return !w.model.central.isEmpty();
        }

        @Override
        public Arbitrary<Transformer<World>> transformer(World w) {
            return Arbitraries.of(new ArrayList<>(w.model.central.keySet())).map(id ->
                    Transformer.mutate("delete " + id + " behind the engine's back", world -> world.deleteRecord(id)));
        }
    }

    /** One central folder, the scans pushed into it, and the model. */
    static final class World {
        final CentralModel model = new CentralModel();
        final List<Snapshot> pushed = new ArrayList<>();
        final Path dir;
        final Path central;
        private int clock;
        private int exports;

        World() {
            try {
                dir = Files.createTempDirectory(root(), "world");
                central = Files.createDirectories(dir.resolve("central"));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        Snapshot snapshot(String provider, List<Integer> findings, List<Integer> assets, boolean damaged) {
            List<Line> f = new ArrayList<>();
            for (int i = 0; i < findings.size(); i++) {
                int c = findings.get(i);
                if (c > 0) {
                    f.add(new Line(provider + "-f" + i, c <= 2 ? "open" : "resolved", c % 2));
                }
            }
            List<Line> a = new ArrayList<>();
            for (int i = 0; i < assets.size(); i++) {
                if (assets.get(i) > 0) {
                    a.add(new Line(provider + "-a" + i, null, assets.get(i) % 2));
                }
            }
            return new Snapshot(provider, ++clock, f, a, damaged && !f.isEmpty());
        }

        void push(Snapshot s, Resolve resolve, boolean recheck) {
            if (!pushed.contains(s)) {
                pushed.add(s);
            }
            Path scan = write(s);
            List<String> args = new ArrayList<>(List.of("push", "--source", scan.toString(), "--central",
                    central.toString(), "--account", ACCOUNT, "--provider", s.provider(), "--quiet"));
            if (resolve != Resolve.NONE) {
                args.add("--resolve-missing");
            }
            if (resolve == Resolve.FORCE) {
                args.add("--force-resolve");
            }
            if (recheck) {
                args.addAll(List.of("--index-max-age", "0"));
            }
            CentralModel.Expected expected = model.push(s, resolve, recheck);
            CliRunner.Result r = CliRunner.run(args.toArray(String[]::new));
            assertEquals(expected.exitCode(), r.exitCode(), "push exit code: " + r.out() + r.err());
            adoptUnknown();
        }

        void prune(String provider) {
            CliRunner.Result r = CliRunner.run("prune", "--central", central.toString(), "--account", ACCOUNT,
                    "--provider", provider, "--json");
            adoptUnknown(); // what central holds of them decides whether the state folder stays
            model.prune(provider);
            assertEquals(0, r.exitCode(), r.out() + r.err());
        }

        void deleteRecord(String id) {
            try {
                Files.delete(path(id));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            model.deletedBehindTheEnginesBack(id);
        }

        /**
         * Exports, then reads the newest snapshot back (a new one, or the last when central did not
         * change): it must hold exactly central's records.
         */
        void export() {
            Path target = dir.resolve("export");
            CliRunner.Result r = CliRunner.run("export", "--central", central.toString(), "--target",
                    target.toString(), "--keep", "2", "--snapshot", "s" + (++exports), "--quiet");
            assertEquals(0, r.exitCode(), r.out() + r.err());
            try {
                Map<String, Object> manifest = JsonParser.parseObject(
                        Files.readString(target.resolve("snapshots/manifest.json")));
                @SuppressWarnings("unchecked")
                String newest = (String) ((List<Map<String, Object>>) manifest.get("snapshots")).get(0).get("id");
                Map<String, String> exported = new TreeMap<>();
                for (String kind : List.of("findings", "assets")) {
                    Path file = target.resolve(kind).resolve(newest).resolve(kind + ".jsonl");
                    for (String line : Files.exists(file) ? Files.readAllLines(file) : List.<String>of()) {
                        exported.put((String) JsonParser.parseObject(line).get("id"), line);
                    }
                }
                assertEquals(centralRecords().keySet(), exported.keySet(), "the export holds central's records");
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        /** The invariant: every record, and each provider's status row. */
        void check() {
            Map<String, Map<String, Object>> actual = centralRecords();
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
            Map<String, Map<String, Object>> actual = centralRecords();
            for (String id : model.unknown) {
                Map<String, Object> r = actual.get(id);
                if (r == null) {
                    model.central.remove(id);
                } else {
                    String provider = (String) r.get("_source_provider");
                    Object status = r.get("status");
                    int title = String.valueOf(status == null ? r.get("name") : r.get("title")).endsWith("1") ? 1 : 0;
                    int seen = Integer.parseInt(((String) r.get("last_seen")).substring(14, 16));
                    model.central.put(id, new Held(provider, (String) status, title, seen,
                            r.containsKey("_resolved_reason")));
                }
            }
        }

        private Map<String, Long> statusFindings() {
            CliRunner.Result r = CliRunner.run("status", "--central", central.toString(), "--json");
            Map<String, Long> out = new TreeMap<>();
            if (r.exitCode() == 2) {
                return out; // no state at all under the prefix
            }
            @SuppressWarnings("unchecked")
            List<Map<String, Object>> rows = (List<Map<String, Object>>) r.json().get("accounts");
            for (Map<String, Object> row : rows) {
                out.put((String) row.get("provider"), (Long) row.get("findings"));
            }
            return out;
        }

        private Map<String, Map<String, Object>> centralRecords() {
            Map<String, Map<String, Object>> out = new TreeMap<>();
            Path records = central.resolve("aggregated");
            if (!Files.exists(records)) {
                return out;
            }
            try (Stream<Path> files = Files.walk(records)) {
                for (Path p : files.filter(p -> p.toString().endsWith(".json") && !p.toString().contains("_state"))
                        .toList()) {
                    Map<String, Object> record = JsonParser.parseObject(Files.readString(p));
                    out.put((String) record.get("id"), record);
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return out;
        }

        private Path path(String id) {
            String key = id.contains("-f") ? RecordPaths.findingPath("aggregated", ACCOUNT, id)
                    : RecordPaths.assetPath("aggregated", ACCOUNT, id);
            return central.resolve(key);
        }

        private Path write(Snapshot s) {
            try {
                Path scan = Files.createDirectories(dir.resolve("scans").resolve(s.provider() + "-" + s.seen()));
                List<String> findings = new ArrayList<>();
                for (Line l : s.findings()) {
                    findings.add("{\"id\": \"" + l.id() + "\", \"severity\": \"high\", \"status\": \"" + l.status()
                            + "\", \"title\": \"" + title(l.id(), l.title()) + "\", \"last_seen\": \"" + seen(s.seen())
                            + "\"}");
                }
                if (s.damaged()) {
                    findings.set(0, "{\"id\": \"" + s.findings().get(0).id() + "\", \"sev");
                }
                List<String> assets = new ArrayList<>();
                for (Line l : s.assets()) {
                    assets.add("{\"id\": \"" + l.id() + "\", \"resource_type\": \"vm\", \"name\": \""
                            + title(l.id(), l.title()) + "\", \"last_seen\": \"" + seen(s.seen()) + "\"}");
                }
                Files.write(scan.resolve("findings.jsonl"), findings);
                Files.write(scan.resolve("assets.jsonl"), assets);
                return scan;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        private static String seen(int minute) {
            return String.format("2026-12-01T06:%02d:00", minute);
        }

        private static String title(String id, int variant) {
            return id + " variant " + variant;
        }
    }
}
