// Shared start-up for the llama.cpp reference scripts: argument parsing and loading node-llama-cpp,
// which is only present after `npm ci` in this folder (it stays out of the Maven build).
import {existsSync} from "node:fs";
import {fileURLToPath} from "node:url";
import path from "node:path";

export const HERE = path.dirname(fileURLToPath(import.meta.url));
export const DEFAULT_MODEL = path.resolve(HERE, "../../models/SmolLM2-135M-Instruct.Q4_1.gguf");

/** Exits with status 2 and one line when the dependency is missing, so callers can skip cleanly. */
export async function loadNodeLlamaCpp() {
    if (!existsSync(path.join(HERE, "node_modules", "node-llama-cpp"))) {
        console.error(`node-llama-cpp is not installed: run npm ci in bench/llamacpp (${HERE})`);
        process.exit(2);
    }
    return import("node-llama-cpp");
}

/** Parses `--name value` and bare `--flag` arguments against defaults; an unknown flag is an error. */
export function parseArgs(argv, defaults, usage) {
    const options = {...defaults};
    for (let i = 0; i < argv.length; i++) {
        const arg = argv[i];
        if (arg === "--help" || arg === "-h") {
            console.log(usage);
            process.exit(0);
        }
        const name = arg.startsWith("--") ? arg.slice(2) : null;
        if (name == null || !(name in defaults))
            fail(`unknown argument '${arg}'\n${usage}`);
        if (typeof defaults[name] === "boolean") {
            options[name] = true;
            continue;
        }
        if (i + 1 >= argv.length)
            fail(`--${name} needs a value\n${usage}`);
        options[name] = argv[++i];
    }
    return options;
}

/**
 * getLlama on the prebuilt CPU binary, quiet except for errors. Returns the ggml CPU backend file that llama.cpp
 * picked for this CPU (it decides which SIMD code runs, so results name it).
 */
export async function getQuietCpuLlama(nodeLlamaCpp) {
    const {getLlama, LlamaLogLevel} = nodeLlamaCpp;
    let cpuBackend = "unknown";
    const logger = (level, message) => {
        const loaded = /loaded CPU backend from (\S+)/.exec(message);
        if (loaded != null)
            cpuBackend = path.basename(loaded[1]);
        else if (level === LlamaLogLevel.error || level === LlamaLogLevel.fatal)
            console.error(message);
    };
    const llama = await getLlama({gpu: false, build: "never", logLevel: LlamaLogLevel.log, logger});
    return {llama, cpuBackend: () => cpuBackend};
}

export function positiveInt(name, value) {
    const n = Number(value);
    if (!Number.isInteger(n) || n <= 0)
        fail(`--${name} must be a positive integer, got '${value}'`);
    return n;
}

export function requireFile(name, file) {
    if (!existsSync(file))
        fail(`--${name}: no such file ${file} (run bin/fetch-model, or pass --${name} PATH to a GGUF file)`);
    return file;
}

export function fail(message) {
    console.error(`error: ${message}`);
    process.exit(1);
}
