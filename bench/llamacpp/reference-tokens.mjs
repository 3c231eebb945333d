// Records llama.cpp's greedy (argmax) continuations of fixed prompts as a JSON fixture for the engine's
// golden tests. Every case runs with 2 threads and with 1 thread, and the script fails when they disagree.
import {createHash} from "node:crypto";
import {createReadStream, readFileSync, writeFileSync} from "node:fs";
import path from "node:path";
import {DEFAULT_MODEL, HERE, fail, getQuietCpuLlama, loadNodeLlamaCpp, parseArgs, positiveInt, requireFile} from "./common.mjs";

const USAGE = `usage: node reference-tokens.mjs [--model PATH] [--out FILE] [--context-size N]
  --model PATH        GGUF file (default ${DEFAULT_MODEL})
  --out FILE          where to write the JSON fixture (default: print it)
  --context-size N    context size of the llama.cpp context (default 2048)`;

const SYSTEM_MESSAGE = "You are a helpful AI assistant named SmolLM, trained by Hugging Face";
const MAX_NEW_TOKENS = 64;
const LONG_PROMPT_TOKENS = 512;
const LONG_NEW_TOKENS = 32;
const TOP_K_FIRST_STEP = 5;
const BATCH_SIZE = 512;

const PLAIN_PROMPTS = [
    ["plain-capital", "The capital of France is"],
    ["plain-fibonacci", "def fibonacci(n):"],
    ["plain-story", "Once upon a time"],
    ["plain-counting", "1, 2, 3, 4, 5,"]
];
// the first two end with an end-of-generation token well before the limit
const CHAT_MESSAGES = [
    ["chat-japan", "What is the capital of Japan?"],
    ["chat-arithmetic", "What is 2 + 2?"],
    ["chat-poem", "Write a short poem about the ocean."],
    ["chat-health", "Give me three tips for staying healthy."],
    ["chat-weekdays", "List the days of the week."]
];

/** SmolLM2's ChatML template with one user message: it adds its default system message when none is given. */
function renderChat(userMessage) {
    return `<|im_start|>system\n${SYSTEM_MESSAGE}<|im_end|>\n`
        + `<|im_start|>user\n${userMessage}<|im_end|>\n`
        + "<|im_start|>assistant\n";
}

/** The longest prefix of the text, cut before a space, that tokenizes to exactly `count` tokens. */
function prefixWithTokenCount(model, text, count) {
    let best = null;
    for (let cut = text.indexOf(" "); cut > 0; cut = text.indexOf(" ", cut + 1)) {
        const n = model.tokenize(text.slice(0, cut)).length;
        if (n === count)
            best = text.slice(0, cut);
        if (n > count)
            break;
    }
    if (best == null)
        fail(`no word boundary of long-prompt.txt gives exactly ${count} tokens; edit the text`);
    return best;
}

function buildCases(model) {
    const cases = [];
    for (const [name, prompt] of PLAIN_PROMPTS)
        cases.push({name, chat: false, prompt, max_new_tokens: MAX_NEW_TOKENS});
    for (const [name, message] of CHAT_MESSAGES)
        cases.push({name, chat: true, user_message: message, prompt: renderChat(message), max_new_tokens: MAX_NEW_TOKENS});
    const longText = readFileSync(path.join(HERE, "long-prompt.txt"), "utf8");
    const longPrompt = prefixWithTokenCount(model, longText, LONG_PROMPT_TOKENS);
    cases.push({name: `long-${LONG_PROMPT_TOKENS}`, chat: false, prompt: longPrompt, max_new_tokens: LONG_NEW_TOKENS});
    for (const c of cases)
        // special tokens are parsed only in chat prompts; node-llama-cpp never adds BOS here (add_special=false)
        c.prompt_tokens = model.tokenize(c.prompt, c.chat);
    return cases;
}

async function sha256(file) {
    const hash = createHash("sha256");
    for await (const chunk of createReadStream(file))
        hash.update(chunk);
    return hash.digest("hex");
}

const round = (x, digits) => Number(x.toPrecision(digits));

/** Greedy generation of one case on a fresh sequence; with `details`, also the step probabilities. */
async function generate(sequence, model, c, details) {
    await sequence.clearHistory();
    const tokens = [];
    const gaps = [];
    let top = null;
    const options = {temperature: 0, yieldEogToken: true};
    const steps = details
        ? sequence.evaluateWithMetadata(c.prompt_tokens, {probabilities: true}, options)
        : sequence.evaluate(c.prompt_tokens, options);
    for await (const step of steps) {
        const token = details ? step.token : step;
        tokens.push(token);
        if (details) {
            // the map is ordered by decreasing probability (llama.cpp sorts the candidates)
            const ranked = [...step.probabilities.entries()].slice(0, TOP_K_FIRST_STEP);
            if (top == null)
                top = ranked.map(([id, p]) => ({id, p: round(p, 6), piece: model.detokenize([id], true)}));
            gaps.push(round(Math.log(ranked[0][1] / ranked[1][1]), 4));
        }
        if (model.isEogToken(token) || tokens.length >= c.max_new_tokens)
            break;
    }
    return {tokens, top, gaps};
}

async function runAll(model, cases, threads, flashAttention, contextSize, details) {
    const context = await model.createContext({
        contextSize, batchSize: BATCH_SIZE, flashAttention, threads: {ideal: threads, min: threads}
    });
    try {
        const sequence = context.getSequence();
        const results = [];
        for (const c of cases)
            results.push(await generate(sequence, model, c, details));
        return results;
    } finally {
        await context.dispose();
    }
}

function eogTokens(model) {
    const vocabSize = model.fileInfo.metadata.tokenizer.ggml.tokens.length;
    return [...Array(vocabSize).keys()].filter(t => model.isEogToken(t));
}

function firstDifference(a, b) {
    for (let i = 0; i < Math.max(a.length, b.length); i++)
        if (a[i] !== b[i])
            return i;
    return -1;
}

/** Per case, the first generated position where `other` differs from `reference`, or -1. */
function compare(reference, other) {
    return reference.map((r, i) => firstDifference(r.tokens, other[i].tokens));
}

async function main() {
    const args = parseArgs(process.argv.slice(2), {model: DEFAULT_MODEL, out: null, "context-size": "2048"}, USAGE);
    const modelPath = requireFile("model", args.model);
    const contextSize = positiveInt("context-size", args["context-size"]);
    const {llama, cpuBackend} = await getQuietCpuLlama(await loadNodeLlamaCpp());
    const model = await llama.loadModel({modelPath});
    const cases = buildCases(model);

    const reference = await runAll(model, cases, 2, false, contextSize, true);
    const plain2 = await runAll(model, cases, 2, false, contextSize, false);
    const plain1 = await runAll(model, cases, 1, false, contextSize, false);
    const flash2 = await runAll(model, cases, 2, true, contextSize, false);
    const threadDiffs = compare(reference, plain1);
    const metadataDiffs = compare(reference, plain2);
    const flashDiffs = compare(reference, flash2);
    if (threadDiffs.some(d => d >= 0) || metadataDiffs.some(d => d >= 0))
        fail(`runs disagree: threads 1 vs 2 first differences ${threadDiffs}, with/without probabilities ${metadataDiffs}`);

    const fixture = {
        description: "llama.cpp greedy reference continuations; see README.md next to this file",
        model: {file: path.basename(modelPath), sha256: await sha256(modelPath)},
        producer: {
            package: "node-llama-cpp@3.21.1",
            llama_cpp_release: llama.llamaCppRelease.release,
            binary: "prebuilt CPU build for linux-x64",
            cpu_backend: cpuBackend()
        },
        settings: {
            sampling: "greedy argmax: temperature 0, no repetition penalty, no token bias",
            add_bos: false,
            context_size: contextSize,
            batch_size: BATCH_SIZE,
            flash_attention: false,
            kv_cache_type: "f16",
            threads: [2, 1]
        },
        eog_token_ids: eogTokens(model),
        threads_1_and_2_identical: true,
        cases: cases.map((c, i) => ({
            name: c.name,
            chat: c.chat,
            ...(c.chat ? {user_message: c.user_message} : {}),
            prompt: c.prompt,
            prompt_tokens: c.prompt_tokens,
            max_new_tokens: c.max_new_tokens,
            generated_tokens: reference[i].tokens,
            stopped_at_eog: model.isEogToken(reference[i].tokens.at(-1)),
            text: model.detokenize(reference[i].tokens, true, c.prompt_tokens),
            first_step_top5: reference[i].top,
            top2_logit_gap: reference[i].gaps,
            flash_attention_on_first_difference: flashDiffs[i],
            generated_tokens_flash_attention: flash2[i].tokens
        }))
    };
    const json = formatFixture(fixture) + "\n";
    if (args.out == null)
        process.stdout.write(json);
    else
        writeFileSync(args.out, json);
    await model.dispose();
    await llama.dispose();
}

/** Indented JSON where arrays of numbers and objects of plain values stay on one line, to keep the file short. */
function formatFixture(value, indent = "") {
    const flat = v => v === null || typeof v !== "object";
    if (flat(value))
        return JSON.stringify(value);
    const inner = indent + "  ";
    if (Array.isArray(value)) {
        if (value.every(v => typeof v === "number"))
            return `[${value.join(", ")}]`;
        return `[\n${value.map(v => inner + formatFixture(v, inner)).join(",\n")}\n${indent}]`;
    }
    const entries = Object.entries(value);
    if (entries.every(([, v]) => flat(v)) && entries.length <= 4)
        return `{${entries.map(([k, v]) => `${JSON.stringify(k)}: ${JSON.stringify(v)}`).join(", ")}}`;
    return `{\n${entries.map(([k, v]) => `${inner}${JSON.stringify(k)}: ${formatFixture(v, inner)}`).join(",\n")}\n${indent}}`;
}

await main();
