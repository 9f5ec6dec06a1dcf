package com.mantissa.stance.sync.cli;

import static com.mantissa.stance.sync.cli.CentralModelTest.ASSETS;
import static com.mantissa.stance.sync.cli.CentralModelTest.FINDINGS;
import static com.mantissa.stance.sync.cli.CentralModelTest.PROVIDERS;

import com.mantissa.stance.sync.cli.CentralModel.Damage;
import com.mantissa.stance.sync.cli.CentralModel.Resolve;
import com.mantissa.stance.sync.cli.CentralModelTest.World;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Tuple;
import net.jqwik.api.state.Action;
import net.jqwik.api.state.Transformer;

/** The steps {@link CentralModelTest} draws its sequences from, other than prunes and export. */
final class CentralModelActions {
    private CentralModelActions() {
    }

    static final class PushNew implements Action.Independent<World> {
        @Override
        public Arbitrary<Transformer<World>> transformer() {
            Arbitrary<List<Integer>> findings = Arbitraries.integers().between(0, 4).list().ofSize(FINDINGS);
            Arbitrary<List<Integer>> assets = Arbitraries.integers().between(0, 2).list().ofSize(ASSETS);
            Arbitrary<Damage> damage = Arbitraries.frequency(Tuple.of(8, Damage.NONE), Tuple.of(1, Damage.CUT_LINE),
                    Tuple.of(1, Damage.TRUNCATED));
            Arbitrary<Integer> duplicate = Arbitraries.frequency(Tuple.of(7, -1), Tuple.of(1, 0), Tuple.of(1, 3));
            return Combinators.combine(Arbitraries.of(PROVIDERS), findings, assets,
                    Arbitraries.of(Resolve.class), Arbitraries.of(false, true), damage, duplicate)
                    .as((provider, f, a, resolve, recheck, spoilt, dup) -> Transformer.mutate(
                            "push new " + provider + " findings " + f + " assets " + a + " " + resolve
                                    + (recheck ? " index-max-age 0" : "") + (spoilt != Damage.NONE ? " " + spoilt : "")
                                    + (dup >= 0 ? " duplicating f" + dup : ""),
                            w -> w.push(w.snapshot(provider, f, a, spoilt, dup), resolve, recheck)));
        }
    }

    /**
     * A push of a new snapshot whose deadline (1 ns) has passed before its first store call: a
     * cut that the CLI makes every time. A deadline long enough to cut after some records would
     * cut at a different record on each run, so the model allows either outcome for every record.
     */
    static final class DeadlineCutPush implements Action.Independent<World> {
        @Override
        public Arbitrary<Transformer<World>> transformer() {
            Arbitrary<List<Integer>> findings = Arbitraries.integers().between(0, 4).list().ofSize(FINDINGS);
            Arbitrary<List<Integer>> assets = Arbitraries.integers().between(0, 2).list().ofSize(ASSETS);
            return Combinators.combine(Arbitraries.of(PROVIDERS), findings, assets, Arbitraries.of(Resolve.class))
                    .as((provider, f, a, resolve) -> Transformer.mutate(
                            "deadline-cut push " + provider + " findings " + f + " assets " + a + " " + resolve,
                            w -> w.cutPush(w.snapshot(provider, f, a, Damage.NONE, -1), resolve)));
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
}
