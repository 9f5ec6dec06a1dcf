package com.mantissa.stance.sync.cli;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * What central should hold after a sequence of pushes, resolve passes and prunes of one account,
 * by the rules as users read them (conflict rule LATEST_WINS, resolve share 0.5), with none of
 * the engine's machinery: no index, no listing, no conditional writes. {@link CentralModelTest}
 * runs the same sequence through the CLI and compares.
 */
final class CentralModel {
    /** One line of a snapshot: a finding (status open or resolved) or an asset (status null). */
    record Line(String id, String status, int title) {
        boolean finding() {
            return status != null;
        }
    }

    /**
     * A scan of one provider, every line seen at {@code seen}, in file order (an id may come
     * twice); with {@code damaged} its first line is cut; {@code truncated}: its manifest counts
     * more findings than its file holds.
     */
    record Snapshot(String provider, int seen, List<Line> findings, List<Line> assets, boolean damaged,
                    boolean truncated) {
        List<Line> pushed() {
            List<Line> out = new ArrayList<>(damaged ? findings.subList(1, findings.size()) : findings);
            out.addAll(assets);
            return out;
        }

        Set<String> ids() {
            Set<String> ids = new HashSet<>();
            findings.forEach(l -> ids.add(l.id()));
            assets.forEach(l -> ids.add(l.id()));
            return ids;
        }
    }

    /** A central record as the model knows it: {@code byResolvePass} when a resolve pass wrote it last. */
    record Held(String provider, String status, int title, int seen, boolean byResolvePass) {
    }

    enum Resolve { NONE, RESOLVE, FORCE }

    /** How a snapshot's scan is spoilt: not at all, its first line cut, or short of its manifest's count. */
    enum Damage { NONE, CUT_LINE, TRUNCATED }

    /** What a push should do: its exit code. */
    record Expected(int exitCode) {
    }

    /** By id. */
    final Map<String, Held> central = new TreeMap<>();
    /**
     * Ids deleted behind the engine's back: the push index still vouches for them, so only a
     * push that re-checks every record is sure to write them again; until then central may or
     * may not hold them, and the model takes what central holds.
     */
    final Set<String> unknown = new HashSet<>();
    /** Per provider, the findings its status should count; absent: no status row. */
    final Map<String, Long> statusFindings = new LinkedHashMap<>();

    Expected push(Snapshot s, Resolve resolve, boolean recheckAll) {
        // Lines are processed in file order, so of two copies of an id (equal last_seen) the first stays.
        boolean resolvePass = resolve != Resolve.NONE && !s.damaged() && !s.truncated();
        List<String> toResolve = new ArrayList<>();
        List<String> toRemove = new ArrayList<>();
        if (resolvePass && refused(s, resolve, toResolve, toRemove)) {
            return new Expected(1); // refused: nothing written
        }
        for (Line line : s.pushed()) {
            if (unknown.contains(line.id())) {
                if (!recheckAll) {
                    continue; // central's answer is taken after the step
                }
                unknown.remove(line.id());
            }
            Held local = new Held(s.provider(), line.status(), line.title(), s.seen(), false);
            if (replaces(central.get(line.id()), local)) {
                central.put(line.id(), local);
            }
        }
        long counted = s.pushed().stream().filter(Line::finding).count();
        if (resolvePass) {
            for (String id : toResolve) {
                Held held = central.get(id);
                central.put(id, new Held(held.provider(), "resolved", held.title(), held.seen(), true));
            }
            toRemove.forEach(central::remove);
            Set<String> ids = s.ids();
            counted += central.entrySet().stream().filter(e -> e.getValue().provider().equals(s.provider())
                    && e.getValue().status() != null && !ids.contains(e.getKey())).count();
        }
        statusFindings.put(s.provider(), counted);
        return new Expected(s.damaged() ? 1 : 0);
    }

    /**
     * Whether a resolve pass over {@code s} is refused for resolving more than half of the
     * provider's open findings or removing more than half its assets; fills in what it would
     * resolve and remove.
     */
    boolean refused(Snapshot s, Resolve resolve, List<String> toResolve, List<String> toRemove) {
        Set<String> ids = s.ids();
        central.forEach((id, held) -> {
            if (held.provider().equals(s.provider()) && !ids.contains(id)) {
                if (held.status() == null) {
                    toRemove.add(id);
                } else if (!held.status().equals("resolved")) {
                    toResolve.add(id);
                }
            }
        });
        long openBefore = s.findings().stream().filter(l -> !l.status().equals("resolved")).count()
                + toResolve.size();
        long assetsBefore = s.assets().size() + toRemove.size();
        return resolve == Resolve.RESOLVE && (toResolve.size() > 0.5 * openBefore
                || toRemove.size() > 0.5 * assetsBefore);
    }

    /**
     * A push its deadline cut before it attempted every record: no resolve pass, and the counts
     * of the provider's status stay its last complete push's (a provider without one gets a row
     * without counts). Any record may or may not have landed: returned, by id, what each record
     * the push would write holds if it landed; the caller takes what central shows.
     */
    Map<String, Held> cutPush(Snapshot s) {
        Map<String, Held> landed = new TreeMap<>();
        for (Line line : s.pushed()) {
            Held local = new Held(s.provider(), line.status(), line.title(), s.seen(), false);
            if (!unknown.contains(line.id()) && replaces(central.get(line.id()), local)) {
                landed.put(line.id(), local);
            }
        }
        if (!statusFindings.containsKey(s.provider())) {
            statusFindings.put(s.provider(), null);
        }
        return landed;
    }

    /** Prune of one provider's records; the account's state goes too once no other provider's record is left. */
    void prune(String provider) {
        central.values().removeIf(h -> h.provider().equals(provider));
        statusFindings.remove(provider);
        if (central.isEmpty()) {
            unknown.clear(); // the push index went with the state folder: nothing vouches for them
            statusFindings.clear();
        }
    }

    /** Prune of the whole account: its records, its state and its change feed go. */
    void pruneAccount() {
        central.clear();
        unknown.clear();
        statusFindings.clear();
    }

    void deletedBehindTheEnginesBack(String id) {
        central.remove(id);
        unknown.add(id);
    }

    /** Whether a push of {@code local} writes it over {@code held} (absent: null), by LATEST_WINS. */
    private static boolean replaces(Held held, Held local) {
        return held == null || !sameContent(held, local) && (local.seen() > held.seen()
                || local.seen() == held.seen() && held.byResolvePass());
    }

    private static boolean sameContent(Held a, Held b) {
        return java.util.Objects.equals(a.status(), b.status()) && a.title() == b.title() && a.seen() == b.seen();
    }
}
