package dev.questspark.eval;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.OptionalDouble;
import java.util.TreeSet;
import java.util.function.Predicate;

/**
 * The findings section of the report, computed from the rows: the targets (Quest decode against llama.cpp
 * at the longest context, passkey accuracy against dense), the sink-page ablation, the adaptive budget against the
 * fixed budget it was matched to, and the page size trade-off. Every sentence states what the numbers say, whichever
 * way they fall.
 */
final class ResultsSummary {
    /** The targets: Quest decode at least this many times llama.cpp's, within this many points of dense. */
    static final double TARGET_SPEEDUP = 1.5;
    static final double TARGET_POINTS = 5;
    static final int TARGET_BUDGET = 1024;
    static final int TARGET_PAGE = 16;

    private final EvalResults r;
    private final List<String> out = new ArrayList<>();

    private ResultsSummary(EvalResults r) {
        this.r = r;
    }

    static List<String> lines(EvalResults r) {
        ResultsSummary s = new ResultsSummary(r);
        s.speedTarget();
        s.accuracyTarget();
        s.sinkAblation();
        s.adaptive();
        s.pageSizes();
        return s.out;
    }

    private void speedTarget() {
        if (r.speed().isEmpty()) {
            return;
        }
        int context = r.speed().stream().mapToInt(SpeedRow::context).max().orElse(0);
        List<Integer> pages = new ArrayList<>(new TreeSet<>(r.speed().stream().filter(x -> x.budget() == TARGET_BUDGET)
                .map(SpeedRow::pageSize).toList()));
        for (int t : new TreeSet<>(r.speed().stream().map(SpeedRow::threads).toList())) {
            for (int page : pages) {
                speedTarget(t, context, page);
            }
        }
    }

    private void speedTarget(int t, int context, int page) {
        OptionalDouble quest = decode(x -> x.engine().equals(SpeedRow.OURS) && x.budget() == TARGET_BUDGET && x.pageSize() == page, t,
                context);
        OptionalDouble dense = decode(x -> x.engine().equals(SpeedRow.OURS) && x.budget() == 0, t, context);
        OptionalDouble llama = decode(x -> x.engine().equals(SpeedRow.LLAMA_CPP), t, context);
        if (quest.isEmpty()) {
            return;
        }
        StringBuilder s = new StringBuilder("Decode at a " + context + "-token context, " + t + " thread" + (t == 1 ? "" : "s")
                + ": Quest (budget " + TARGET_BUDGET + ", page size " + page + ") " + fmt1(quest.getAsDouble()) + " tok/s");
        if (dense.isPresent()) {
            s.append(", our dense ").append(fmt1(dense.getAsDouble())).append(" tok/s (Quest ")
                    .append(ResultsReport.fmt2(quest.getAsDouble() / dense.getAsDouble())).append("x)");
        }
        if (llama.isPresent()) {
            double ratio = quest.getAsDouble() / llama.getAsDouble();
            s.append(", llama.cpp ").append(fmt1(llama.getAsDouble())).append(" tok/s: Quest is ").append(ResultsReport.fmt2(ratio))
                    .append("x llama.cpp (target ").append(fmt1(TARGET_SPEEDUP)).append("x: ")
                    .append(ratio >= TARGET_SPEEDUP ? "met" : "not met").append(")");
        } else {
            s.append("; llama.cpp was not measured in this run");
        }
        out.add(s.append('.').toString());
    }

    private OptionalDouble decode(Predicate<SpeedRow> which, int threads, int context) {
        return r.speed().stream().filter(which).filter(x -> x.threads() == threads && x.context() == context)
                .mapToDouble(SpeedRow::decodeTokensPerSecond).findFirst();
    }

    private void accuracyTarget() {
        if (r.passkey().isEmpty()) {
            return;
        }
        int length = r.passkey().stream().mapToInt(PasskeyRow::length).max().orElse(0);
        double dense = accuracy(x -> x.length() == length && x.attention().equals("dense"));
        for (int page : new TreeSet<>(r.passkey().stream().filter(x -> x.attention().equals("quest") && x.budget() == TARGET_BUDGET)
                .map(PasskeyRow::pageSize).toList())) {
            double quest = accuracy(x -> x.length() == length && x.attention().equals("quest") && x.budget() == TARGET_BUDGET
                    && x.pageSize() == page);
            double points = 100 * (quest - dense);
            out.add("Passkey at " + length + " tokens: Quest (budget " + TARGET_BUDGET + ", page size " + page + ") " + ResultsReport.pct(quest)
                    + ", dense " + ResultsReport.pct(dense) + " (" + String.format(Locale.ROOT, "%+.0f", points) + " points; target within "
                    + ResultsReport.fmt0(TARGET_POINTS) + ": " + (points >= -TARGET_POINTS ? "met" : "not met") + ").");
        }
    }

    private void sinkAblation() {
        List<Integer> budgets = new ArrayList<>(new TreeSet<>(r.passkey().stream().filter(x -> x.attention().equals("quest-paper"))
                .map(PasskeyRow::budget).toList()));
        for (int b : budgets) {
            StringBuilder s = new StringBuilder("Sink page ablation, budget " + b + ", page size " + TARGET_PAGE
                    + ": passkey accuracy with the sink page vs the paper's selection without it:");
            for (int len : new TreeSet<>(r.passkey().stream().map(PasskeyRow::length).toList())) {
                double with = accuracy(x -> x.length() == len && x.attention().equals("quest") && x.budget() == b
                        && x.pageSize() == TARGET_PAGE);
                double without = accuracy(x -> x.length() == len && x.attention().equals("quest-paper") && x.budget() == b);
                s.append(' ').append(len).append(" tokens ").append(ResultsReport.pct(with)).append(" vs ").append(ResultsReport.pct(without)).append(';');
            }
            PerplexityRow with = ppl("quest", b);
            PerplexityRow without = ppl("quest-paper", b);
            if (with != null && without != null) {
                s.append(" perplexity ").append(ResultsReport.fmt3(with.perplexity())).append(" vs ").append(ResultsReport.fmt3(without.perplexity())).append(';');
            }
            s.setLength(s.length() - 1);
            out.add(s.append('.').toString());
        }
    }

    private PerplexityRow ppl(String attention, int budget) {
        return r.perplexity().stream().filter(x -> x.attention().equals(attention) && x.budget() == budget
                && x.pageSize() == TARGET_PAGE).findFirst().orElse(null);
    }

    private void adaptive() {
        List<Integer> fixed = r.plan().adaptiveBudgets();
        List<AdaptiveBudget> passkey = r.plan().passkeyAdaptive();
        List<String> wins = new ArrayList<>();
        List<String> losses = new ArrayList<>();
        for (int i = 0; i < fixed.size() && i < passkey.size(); i++) {
            int b = fixed.get(i);
            String label = passkey.get(i).label();
            for (int len : new TreeSet<>(r.passkey().stream().filter(x -> x.attention().equals(label)).map(PasskeyRow::length).toList())) {
                double a = accuracy(x -> x.length() == len && x.attention().equals(label));
                double f = accuracy(x -> x.length() == len && x.attention().equals("quest") && x.budget() == b && x.pageSize() == TARGET_PAGE);
                String cell = "passkey at " + len + " tokens vs budget " + b + " (" + ResultsReport.pct(a) + " vs " + ResultsReport.pct(f) + ")";
                (a > f ? wins : losses).add(cell);
            }
        }
        for (PerplexityRow a : r.perplexity().stream().filter(x -> x.attention().startsWith("adaptive")).toList()) {
            PerplexityRow f = nearestFixed(a);
            if (f != null) {
                String cell = "perplexity vs budget " + f.budget() + " (" + ResultsReport.fmt3(a.perplexity()) + " vs " + ResultsReport.fmt3(f.perplexity()) + ")";
                (a.perplexity() < f.perplexity() ? wins : losses).add(cell);
            }
        }
        if (wins.isEmpty() && losses.isEmpty()) {
            return;
        }
        out.add("Adaptive budget (a fraction of the context) against the fixed budget of equal average tokens attended: wins at "
                + (wins.isEmpty() ? "none" : String.join(", ", wins)) + "; ties or loses at "
                + (losses.isEmpty() ? "none" : String.join(", ", losses)) + ".");
    }

    private PerplexityRow nearestFixed(PerplexityRow a) {
        double perStep = a.tokensAttended() / (double) Math.max(1, a.steps());
        return r.perplexity().stream().filter(x -> x.attention().equals("quest") && x.pageSize() == a.pageSize())
                .min((x, y) -> Double.compare(Math.abs(x.tokensAttended() / (double) Math.max(1, x.steps()) - perStep),
                        Math.abs(y.tokensAttended() / (double) Math.max(1, y.steps()) - perStep))).orElse(null);
    }

    private void pageSizes() {
        List<Integer> pages = new ArrayList<>(new TreeSet<>(r.passkey().stream().filter(x -> x.attention().equals("quest"))
                .map(PasskeyRow::pageSize).toList()));
        if (pages.size() < 2) {
            return;
        }
        StringBuilder s = new StringBuilder("Page size (passkey accuracy over all lengths, and KV read vs dense, per budget):");
        for (int b : new TreeSet<>(r.passkey().stream().filter(x -> x.attention().equals("quest")).map(PasskeyRow::budget).toList())) {
            s.append(" budget ").append(b);
            for (int p : pages) {
                List<PasskeyRow> rows = r.passkey().stream().filter(x -> x.attention().equals("quest") && x.budget() == b && x.pageSize() == p)
                        .toList();
                long read = rows.stream().mapToLong(PasskeyRow::kvBytesRead).sum();
                long dense = rows.stream().mapToLong(PasskeyRow::kvBytesDense).sum();
                s.append(p == pages.get(0) ? " " : ", ").append("p").append(p).append(' ')
                        .append(ResultsReport.pct(accuracy(x -> x.attention().equals("quest") && x.budget() == b && x.pageSize() == p)))
                        .append(" / ").append(ResultsReport.fmt3(dense == 0 ? 1 : (double) read / dense));
            }
            s.append(';');
        }
        s.setLength(s.length() - 1);
        out.add(s.append('.').toString());
    }

    private double accuracy(Predicate<PasskeyRow> which) {
        List<PasskeyRow> rows = r.passkey().stream().filter(which).toList();
        return rows.isEmpty() ? Double.NaN : rows.stream().filter(PasskeyRow::correct).count() / (double) rows.size();
    }

    private static String fmt1(double v) {
        return String.format(Locale.ROOT, "%.1f", v);
    }
}
