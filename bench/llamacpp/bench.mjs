// Prefill and decode speed of llama.cpp (through node-llama-cpp's prebuilt CPU binary) at several context depths,
// the reference the engine's own benchmark is compared with. Not a test: it asserts nothing.
import {readFileSync} from "node:fs";
import {availableParallelism} from "node:os";
import path from "node:path";
import {DEFAULT_MODEL, HERE, fail, getQuietCpuLlama, loadNodeLlamaCpp, parseArgs, positiveInt, requireFile} from "./common.mjs";

const USAGE = `usage: node bench.mjs [options]
  --model PATH          GGUF file (default ${DEFAULT_MODEL})
  --threads N           threads for prefill and decode (default ${availableParallelism()}, the available processors)
  --contexts LIST       comma-separated prompt lengths in tokens (default 512,1024,2048,4096,8192)
  --decode-tokens N     tokens decoded greedily after each prompt (default 64)
  --repeats N           measurements per context; the summary reports medians (default 3)
  --batch-size N        prefill batch (and micro-batch) size (default 512)
  --flash-attention     turn llama.cpp's flash attention on (default off)
  --json                one JSON object per measurement, then a summary JSON object, one per line
Exits with status 2 when node-llama-cpp is not installed (run npm ci in bench/llamacpp).`;

const RUNNER = "node-llama-cpp@3.21.1";
const KV_CACHE_TYPE = "f16";
const WARMUP_TOKENS = 64;

function parseOptions() {
    const args = parseArgs(process.argv.slice(2), {
        model: DEFAULT_MODEL, threads: String(availableParallelism()), contexts: "512,1024,2048,4096,8192",
        "decode-tokens": "64", repeats: "3", "batch-size": "512", "flash-attention": false, json: false
    }, USAGE);
    return {
        model: requireFile("model", args.model),
        threads: positiveInt("threads", args.threads),
        contexts: args.contexts.split(",").map(c => positiveInt("contexts", c.trim())),
        decodeTokens: positiveInt("decode-tokens", args["decode-tokens"]),
        repeats: positiveInt("repeats", args.repeats),
        batchSize: positiveInt("batch-size", args["batch-size"]),
        flashAttention: args["flash-attention"],
        json: args.json
    };
}

/** A prompt of exactly `length` tokens: the fixed prose of long-prompt.txt, repeated as often as needed. */
function syntheticPrompt(model, length) {
    const text = model.tokenize(readFileSync(path.join(HERE, "long-prompt.txt"), "utf8"));
    return Array.from({length}, (_, i) => text[i % text.length]);
}

/**
 * One measurement on a cleared sequence. Prefill time runs until the first generated token (the prompt in batches
 * plus one argmax); decode time covers the next `decodeTokens` tokens, each one forward pass of a single token.
 */
async function measure(sequence, prompt, decodeTokens) {
    await sequence.clearHistory();
    // end-of-generation tokens are yielded and decoded like any other, so every run decodes the same count
    const steps = sequence.evaluate(prompt, {temperature: 0, yieldEogToken: true});
    const start = performance.now();
    let firstTokenAt = 0;
    let generated = 0;
    for await (const _ of steps) {
        generated++;
        if (generated === 1)
            firstTokenAt = performance.now();
        if (generated === decodeTokens + 1)
            break;
    }
    const end = performance.now();
    return {prefillSeconds: (firstTokenAt - start) / 1000, decodeSeconds: (end - firstTokenAt) / 1000};
}

async function benchContext(model, options, contextLength, report) {
    const context = await model.createContext({
        contextSize: contextLength + options.decodeTokens + 1,
        batchSize: options.batchSize,
        flashAttention: options.flashAttention,
        threads: {ideal: options.threads, min: options.threads}
    });
    try {
        const sequence = context.getSequence();
        const prompt = syntheticPrompt(model, contextLength);
        // first touch of the mapped weights and the compute buffers is not part of any measurement
        await measure(sequence, prompt.slice(0, Math.min(WARMUP_TOKENS, contextLength)), 2);
        const runs = [];
        for (let repeat = 1; repeat <= options.repeats; repeat++) {
            const {prefillSeconds, decodeSeconds} = await measure(sequence, prompt, options.decodeTokens);
            const run = {
                type: "run", context: contextLength, repeat,
                prefill_tokens: contextLength, prefill_s: round(prefillSeconds),
                prefill_tokens_per_s: round(contextLength / prefillSeconds),
                decode_tokens: options.decodeTokens, decode_s: round(decodeSeconds),
                decode_tokens_per_s: round(options.decodeTokens / decodeSeconds),
                decode_ms_per_token: round(1000 * decodeSeconds / options.decodeTokens)
            };
            runs.push(run);
            report(run);
        }
        return {
            context: contextLength,
            prefill_tokens_per_s: median(runs.map(r => r.prefill_tokens_per_s)),
            decode_tokens_per_s: median(runs.map(r => r.decode_tokens_per_s)),
            decode_ms_per_token: median(runs.map(r => r.decode_ms_per_token))
        };
    } finally {
        await context.dispose();
    }
}

function median(values) {
    const sorted = [...values].sort((a, b) => a - b);
    const mid = Math.floor(sorted.length / 2);
    return sorted.length % 2 === 1 ? sorted[mid] : round((sorted[mid - 1] + sorted[mid]) / 2);
}

const round = x => Number(x.toPrecision(5));

function describeRun(r) {
    return `context ${r.context} repeat ${r.repeat}: prefill ${r.prefill_tokens_per_s} tok/s (${r.prefill_s} s), `
        + `decode ${r.decode_tokens_per_s} tok/s (${r.decode_ms_per_token} ms/token)`;
}

async function main() {
    const options = parseOptions();
    const {llama, cpuBackend} = await getQuietCpuLlama(await loadNodeLlamaCpp());
    const model = await llama.loadModel({modelPath: options.model});
    const setup = {
        engine: "llama.cpp", runner: RUNNER, llama_cpp_release: llama.llamaCppRelease.release,
        model: path.basename(options.model), threads: options.threads, batch_size: options.batchSize,
        flash_attention: options.flashAttention, kv_cache_type: KV_CACHE_TYPE, cpu_backend: cpuBackend()
    };
    const report = run => console.log(options.json ? JSON.stringify({...setup, ...run}) : describeRun(run));
    if (!options.json)
        console.log(`llama.cpp via ${RUNNER}: ${setup.model}, ${options.threads} threads, batch ${options.batchSize}, `
            + `flash attention ${options.flashAttention ? "on" : "off"}, KV cache ${KV_CACHE_TYPE}`);
    const results = [];
    for (const contextLength of options.contexts)
        results.push(await benchContext(model, options, contextLength, report));
    const summary = {
        type: "summary", ...setup,
        decode_tokens: options.decodeTokens, repeats: options.repeats, results
    };
    if (options.json)
        console.log(JSON.stringify(summary));
    else
        for (const r of results)
            console.log(`median context ${r.context}: prefill ${r.prefill_tokens_per_s} tok/s, `
                + `decode ${r.decode_tokens_per_s} tok/s (${r.decode_ms_per_token} ms/token)`);
    await model.dispose();
    await llama.dispose();
}

await main().catch(error => fail(error.message));
