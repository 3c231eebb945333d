package dev.questspark.eval;

import dev.questspark.engine.ModelInfo;
import java.util.List;

/**
 * What one evaluation run measured, with what it needs to be reported.
 *
 * @param sections       the sections that ran (see {@link EvalRun#SECTIONS})
 * @param command        the command line that regenerates the run
 * @param notes          lines about what was skipped and why
 * @param sectionSeconds wall time per section, in the order passkey, perplexity, agreement, speed, llama.cpp
 */
public record EvalResults(EvalPlan plan, String preset, java.util.Set<String> sections, ModelInfo model, String command, String startedAt, List<String> machine,
                          List<PasskeyRow> passkey, List<PerplexityRow> perplexity, List<AgreementRow> agreement, List<SpeedRow> speed,
                          List<String> notes, double[] sectionSeconds) {
}
