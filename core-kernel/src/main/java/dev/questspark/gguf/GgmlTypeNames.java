package dev.questspark.gguf;

import java.util.Map;

/**
 * Names of every tensor type id ggml defines, supported here or not, so that a file using a type this engine
 * cannot run is told apart from a file with a corrupt type id.
 */
final class GgmlTypeNames {
    private static final Map<Integer, String> ALL = Map.ofEntries(
            Map.entry(0, "F32"), Map.entry(1, "F16"), Map.entry(2, "Q4_0"), Map.entry(3, "Q4_1"),
            Map.entry(6, "Q5_0"), Map.entry(7, "Q5_1"), Map.entry(8, "Q8_0"), Map.entry(9, "Q8_1"),
            Map.entry(10, "Q2_K"), Map.entry(11, "Q3_K"), Map.entry(12, "Q4_K"), Map.entry(13, "Q5_K"),
            Map.entry(14, "Q6_K"), Map.entry(15, "Q8_K"), Map.entry(16, "IQ2_XXS"), Map.entry(17, "IQ2_XS"),
            Map.entry(18, "IQ3_XXS"), Map.entry(19, "IQ1_S"), Map.entry(20, "IQ4_NL"), Map.entry(21, "IQ3_S"),
            Map.entry(22, "IQ2_S"), Map.entry(23, "IQ4_XS"), Map.entry(24, "I8"), Map.entry(25, "I16"),
            Map.entry(26, "I32"), Map.entry(27, "I64"), Map.entry(28, "F64"), Map.entry(29, "IQ1_M"),
            Map.entry(30, "BF16"), Map.entry(34, "TQ1_0"), Map.entry(35, "TQ2_0"), Map.entry(39, "MXFP4"),
            Map.entry(40, "NVFP4"), Map.entry(41, "Q1_0"));

    private GgmlTypeNames() {
    }

    /** Why a type id is not usable: either not a ggml type at all, or one this engine has no kernels for. */
    static String unsupported(long id) {
        String name = id >= 0 && id <= Integer.MAX_VALUE ? ALL.get((int) id) : null;
        String what = name == null
                ? "type id " + Long.toUnsignedString(id) + " is not a ggml tensor type"
                : "type id " + id + " (" + name + ") is not supported by this engine";
        return what + "; supported types: " + supportedList()
                + " (re-quantize the model to one of these, e.g. with llama-quantize)";
    }

    private static String supportedList() {
        StringBuilder sb = new StringBuilder();
        for (GgmlType t : GgmlType.values()) {
            sb.append(sb.length() == 0 ? "" : ", ").append(t).append('=').append(t.id());
        }
        return sb.toString();
    }
}
