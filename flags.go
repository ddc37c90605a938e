package main

import (
	"slices"
	"strings"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/vidskim/vidskim/ask"
	"github.com/vidskim/vidskim/chunk"
	"github.com/vidskim/vidskim/dedupe"
	"github.com/vidskim/vidskim/library"
	"github.com/vidskim/vidskim/llm"
	"github.com/vidskim/vidskim/narrate"
	"github.com/vidskim/vidskim/ocr"
	"github.com/vidskim/vidskim/serve"
	"github.com/vidskim/vidskim/summarize"
)

// Every flag is defined here, once, with its default taken from the
// package that owns the setting. Commands take the sets they need.

// selectFlags choose and size the frames; every command has them.
func selectFlags() []cli.Flag {
	return []cli.Flag{
		&cli.Float64Flag{Name: "fps", Value: 1, Usage: "frames to sample per second (fractions allowed: 0.2 is one every 5 s)"},
		&cli.StringFlag{Name: "start", Usage: "start of the range, seconds or [HH:]MM:SS[.ms]"},
		&cli.StringFlag{Name: "end", Usage: "end of the range, seconds or [HH:]MM:SS[.ms] (default: end of video)"},
		&cli.IntFlag{Name: "dedupe-threshold", Value: dedupe.DefaultThreshold, Usage: "keep a frame when its hash differs from the last kept frame by more than this many bits (0 keeps every frame)"},
		&cli.Float64Flag{Name: "max-gap", Usage: "keep at least one frame every this many seconds, even when nothing changes (0: off)"},
		&cli.IntFlag{Name: "max-frames", Usage: "keep at most this many frames, dropping those that add least (0: no cap)"},
		&cli.BoolFlag{Name: "keyframes", Usage: "sample keyframes only: much faster, coarser in time (the first picture is always kept)"},
		&cli.BoolFlag{Name: "exact", Usage: "decode every picture with every filter (by default non-reference pictures, deblocking when frames shrink twofold, and the quiet stretches of a still scene are skipped; times stay true)"},
		&cli.StringFlag{Name: "detail", Value: string(chunk.Low), Usage: "image detail: low (within 512x512) or high (short side 768, long side 2000)"},
		&cli.IntFlag{Name: "frames-per-request", Value: chunk.DefaultFramesPerRequest, Usage: "most images in one request"},
		&cli.BoolFlag{Name: "verbose", Usage: "details on stderr: one line a request (what for, images, tokens, time, cached, retries) and each stage's counts"},
		&cli.BoolFlag{Name: "quiet", Aliases: []string{"q"}, Usage: "only warnings and errors on stderr"},
		&cli.StringFlag{Name: "log-format", Value: "text", Usage: "stderr's diagnostics: text (sentences; details with --verbose) or json (one JSON object a line, details included)"},
	}
}

func modelFlag() cli.Flag {
	return &cli.StringFlag{Name: "model", Value: summarize.DefaultModel, Usage: "vision model name"}
}

func maxTokensFlag() cli.Flag {
	return &cli.IntFlag{Name: "max-tokens", Value: summarize.DefaultMaxTokens, Usage: "token limit of each chunk description"}
}

func transcribeFlags() []cli.Flag {
	return []cli.Flag{
		&cli.BoolFlag{Name: "transcribe", Usage: "transcribe the audio and give the model what is said beside the frames"},
		&cli.StringFlag{Name: "transcribe-model", Value: llm.DefaultTranscribeModel, Usage: "transcription model"},
	}
}

// formatFlag is each command's --format, with its own default and choices.
func formatFlag(def, usage string) cli.Flag {
	return &cli.StringFlag{Name: "format", Value: def, Usage: usage}
}

// modelFlags say how requests are sent, paced, cached and bounded.
func modelFlags() []cli.Flag {
	return []cli.Flag{
		modelFlag(),
		&cli.StringFlag{Name: "api-key", EnvVars: []string{"OPENAI_API_KEY"}, DefaultText: "none", Usage: "API key (every user of the machine sees a flag in the process list: prefer OPENAI_API_KEY or --api-key-file)"},
		&cli.StringFlag{Name: "api-key-file", Usage: "read the API key (or the Azure key) from the first line of this file, which only you should be able to read"},
		&cli.StringFlag{Name: "base-url", EnvVars: []string{"OPENAI_BASE_URL"}, Usage: "OpenAI-compatible API base URL, e.g. http://localhost:11434/v1 for Ollama (default: OpenAI)"},
		&cli.IntFlag{Name: "concurrency", Value: summarize.DefaultConcurrency, Usage: "chunk requests at once"},
		maxTokensFlag(),
		&cli.DurationFlag{Name: "timeout", Value: llm.DefaultTimeout, Usage: "time limit of one request attempt"},
		&cli.IntFlag{Name: "max-retries", Value: llm.DefaultMaxRetries, Usage: "retries of a request answered 429, 5xx, or not at all"},
		&cli.IntFlag{Name: "rpm", Usage: "requests per minute at most (your provider's limit; 0: no pacing)"},
		&cli.IntFlag{Name: "tpm", Usage: "tokens per minute at most, estimated (0: no pacing)"},
		cacheDirFlag(),
		&cli.BoolFlag{Name: "no-cache", Usage: "neither read nor write the answer cache"},
		&cli.BoolFlag{Name: "partial", Usage: "when some chunks fail after their retries, still summarize the rest (marked partial; exit code stays non-zero)"},
		&cli.IntFlag{Name: "max-requests", Usage: "refuse to start a run that needs more model requests than this (0: no limit); several videos: the cap of the whole run, videos past it skipped"},
	}
}

func cacheDirFlag() cli.Flag {
	return &cli.StringFlag{Name: "cache-dir", Usage: "where answers are kept so no request is paid twice (default: the user cache dir)/vidskim"}
}

// providerFlags say which server and how requests are shaped for it.
func providerFlags() []cli.Flag {
	return append([]cli.Flag{
		&cli.StringFlag{Name: "azure-endpoint", EnvVars: []string{"AZURE_OPENAI_ENDPOINT"}, Usage: "Azure OpenAI endpoint, https://NAME.openai.azure.com (key from AZURE_OPENAI_API_KEY)"},
		&cli.StringFlag{Name: "azure-api-key", EnvVars: []string{"AZURE_OPENAI_API_KEY"}, DefaultText: "none", Usage: "Azure OpenAI key"},
		&cli.StringFlag{Name: "azure-deployment", Usage: "Azure deployment name (default: the model name)"},
		&cli.StringFlag{Name: "api-version", Value: llm.DefaultAzureAPIVersion, Usage: "Azure OpenAI API version"},
		&cli.Float64Flag{Name: "temperature", Usage: "sampling temperature, 0 for the most repeatable answers (default: the server's)"},
		&cli.IntFlag{Name: "seed", Usage: "seed for reproducible sampling, where the server supports it"},
	}, append(transcribeFlags(),
		&cli.StringFlag{Name: "transcribe-base-url", Usage: "OpenAI-compatible /audio/transcriptions server (default: --base-url), e.g. a whisper.cpp or faster-whisper server"},
		&cli.BoolFlag{Name: "transcript-only", Usage: "only transcribe: write the transcript (md, json, srt or vtt) and send no frames"},
		&cli.StringFlag{Name: "token-param", Value: "auto", Usage: "token-limit field: auto (max_completion_tokens for o-series and gpt-5, else max_tokens), max_tokens, or max_completion_tokens"},
	)...)
}

// jobFlags say what the model is asked for; summarize and plan share them.
func jobFlags() []cli.Flag {
	return []cli.Flag{
		&cli.StringFlag{Name: "mode", Value: string(summarize.ModeSummary), Usage: "summary, surveillance (an event log; keeps a frame every 60 s at least) or narration (a timed voice-over script)"},
		&cli.StringFlag{Name: "prompt", Usage: "your own instruction, added to every prompt (e.g. \"focus on the license plates\")"},
		&cli.StringFlag{Name: "models", Usage: "a JSON model table (token rules and prices) to add to or override the built-in one"},
		&cli.BoolFlag{Name: "ocr", Usage: "read the text on kept frames at full resolution with Tesseract: it goes to the model beside its frame, into the output and into the search index"},
		&cli.StringFlag{Name: "ocr-lang", Value: ocr.DefaultLang, Usage: "Tesseract language(s) for --ocr: eng, deu, eng+fra..."},
	}
}

// schemaFlags ask for an answer in the user's JSON schema.
func schemaFlags() []cli.Flag {
	return []cli.Flag{
		&cli.StringFlag{Name: "schema", Usage: "answer in this JSON Schema (a JSON file whose root is an object): validated here, asked again once when invalid"},
		&cli.StringFlag{Name: "schema-mode", Value: "auto", Usage: "how --schema is asked for: auto (json_schema on OpenAI and Azure, JSON mode elsewhere), json_schema, json_object, or prompt (the schema in the prompt only)"},
	}
}

// askFlags are summarize's, for the videos it summarizes first, less the
// outputs of a summary, and ask's own.
func askFlags() []cli.Flag {
	var provider []cli.Flag
	for _, f := range providerFlags() {
		if f.Names()[0] != "transcript-only" {
			provider = append(provider, f)
		}
	}
	return concat(selectFlags(), modelFlags(), provider, jobFlags(), manyFlags(), libraryFlags()[:1], schemaFlags(), []cli.Flag{
		&cli.BoolFlag{Name: "all", Usage: "ask over every video in the library"},
		&cli.BoolFlag{Name: "look", Usage: "the second look: decode frames around each cited moment at high detail and have the model confirm or correct its answer from them"},
		&cli.Float64Flag{Name: "look-window", Value: ask.DefaultLookWindow, Usage: "--look: seconds either side of a cited moment"},
		&cli.IntFlag{Name: "answer-tokens", Value: ask.DefaultMaxTokens, Usage: "token limit of the answer"},
		&cli.IntFlag{Name: "context-tokens", Value: ask.DefaultBudget, Usage: "most tokens of notes in the question; beyond it, search picks the moments that matter"},
		formatFlag("md", "output format: md or json"),
		&cli.StringFlag{Name: "out", Aliases: []string{"o"}, Usage: "write the answer to this file instead of stdout"},
		&cli.StringFlag{Name: "report", Usage: "also write a self-contained HTML page: the answer, its citations, and the frames of --look beside it"},
		&cli.Float64Flag{Name: "max-cost", Usage: "refuse to start when the estimated cost (upper bound, USD) of the answer and of summarizing the videos not yet in the library exceeds this (0: no limit)"},
	})
}

// searchFlags are search's.
func searchFlags() []cli.Flag {
	return concat(libraryFlags()[:1], []cli.Flag{
		&cli.StringSliceFlag{Name: "video", Usage: "search only this video (a file, a path or URL it was seen at, its ID, or a run ID); repeatable"},
		&cli.IntFlag{Name: "limit", Value: library.DefaultLimit, Usage: "most moments shown"},
		formatFlag("text", "output format: text or json"),
		&cli.StringFlag{Name: "out", Aliases: []string{"o"}, Usage: "write the results to this file instead of stdout"},
		&cli.BoolFlag{Name: "quiet", Aliases: []string{"q"}, Usage: "say nothing on stderr when nothing matches"},
	})
}

// serveFlags are ask's, for the questions asked on its pages (less what
// a page chooses: the videos, --look, the output), and where to listen.
func serveFlags() []cli.Flag {
	var out []cli.Flag
	for _, f := range askFlags() {
		switch f.Names()[0] {
		case "all", "look", "format", "out", "report", "include", "exclude", "jobs", "partial":
		default:
			out = append(out, f)
		}
	}
	return append(out,
		&cli.StringFlag{Name: "addr", Value: serve.DefaultAddr, Usage: "where to listen, host:port (port 0: any free one); an address other machines can reach needs --token"},
		&cli.StringFlag{Name: "token", EnvVars: []string{"VIDSKIM_TOKEN"}, DefaultText: "none", Usage: "a secret (at least 16 characters) every request must carry: the address printed at start sets it in the browser"},
	)
}

func outputFlags() []cli.Flag {
	return []cli.Flag{
		formatFlag("md", "output format: md, json, srt or vtt (timed descriptions, or the narration lines); several videos: json is JSON Lines, md a section a video"),
		&cli.StringFlag{Name: "out", Aliases: []string{"o"}, Usage: "write the output to this file instead of stdout"},
		&cli.StringFlag{Name: "out-dir", Usage: "several videos: write one output a video here, DIR/<name>.<format>"},
		&cli.StringFlag{Name: "report", Usage: "also write a self-contained HTML report (summary, then each kept frame beside its description); several videos: a directory, one DIR/<name>.html a video"},
		&cli.Float64Flag{Name: "max-cost", Usage: "refuse to start a run whose estimated cost (upper bound, USD) exceeds this (0: no limit); several videos: the cap of the whole run, videos past it skipped"},
	}
}

// speechFlags are the spoken narration's (--speak), the language answers
// are written in, and the transcript's translation.
func speechFlags() []cli.Flag {
	return []cli.Flag{
		&cli.BoolFlag{Name: "speak", Usage: "speak the narration (implies --mode narration) and mix it into the video: -o names the narrated video (.mp4, .mkv or .mov), its video stream copied as it is; the text output goes to stdout; one video at a time"},
		&cli.StringFlag{Name: "voice", Value: llm.DefaultVoice, Usage: "narrator's voice: alloy, ash, coral, echo, fable, nova, onyx, sage or shimmer (gpt-4o-mini-tts also ballad, verse, marin, cedar); another server's own voice names with --tts-base-url"},
		&cli.StringFlag{Name: "tts-model", Value: llm.DefaultSpeechModel, Usage: "speech model: tts-1, tts-1-hd or gpt-4o-mini-tts (on Azure, a deployment of that name)"},
		&cli.StringFlag{Name: "voice-instructions", Usage: "how the narrator should sound, e.g. \"calm, like a nature documentary\" (gpt-4o-mini-tts only)"},
		&cli.StringFlag{Name: "tts-base-url", Usage: "OpenAI-compatible /audio/speech server (default: --base-url), e.g. a local Kokoro or openedai-speech server"},
		&cli.StringFlag{Name: "original-audio", Value: string(narrate.Duck), Usage: "the video's own sound under the narration: duck (12 dB lower while the narrator speaks), keep or drop"},
		&cli.BoolFlag{Name: "subtitles", Usage: "also put the narration in the video as a subtitle track (mov_text in .mp4 and .mov, SubRip in .mkv)"},
		&cli.StringFlag{Name: "audio-out", Usage: "also write the voice-over alone, as long as the video (.m4a, .mp3 or .wav)"},
		&cli.StringFlag{Name: "language", Usage: "write the summary or narration in this language, e.g. French or pt-BR (default: the model's choice, usually English)"},
		&cli.BoolFlag{Name: "translate", Usage: "with --transcribe: give the model the speech translated into English (the translations endpoint)"},
	}
}

func summarizeFlags() []cli.Flag {
	return concat(selectFlags(), modelFlags(), providerFlags(), jobFlags(), outputFlags(), manyFlags(), libraryFlags(), schemaFlags(), speechFlags(), batchFlags(), shardFlags())
}

// batchFlags send requests through the Batch API; plan takes the first
// two, to price a run so.
func batchFlags() []cli.Flag {
	return []cli.Flag{
		&cli.BoolFlag{Name: "batch", Usage: "send the chunk requests through the Batch API: half the price, answered within 24 hours (the merge stays live unless --batch-merge); a run killed or stopped picks its batches up again"},
		&cli.BoolFlag{Name: "batch-merge", Usage: "with --batch, batch the merge requests too (one more batch a merge round)"},
		&cli.StringFlag{Name: "batch-retry", Value: "live", Usage: "with --batch, requests that failed in their batch: live (sent at once, at the standard price) or batch (in a new batch first)"},
		&cli.DurationFlag{Name: "batch-poll", Value: 10 * time.Second, Usage: "first wait between looks at a batch (each later one half as long again, up to 5 minutes)"},
		&cli.StringFlag{Name: "azure-batch-deployment", Usage: "Azure: the global-batch deployment batch requests go to, through the v1 API (default: --azure-deployment)"},
	}
}

// shardFlags split the videos of a run between processes.
func shardFlags() []cli.Flag {
	return []cli.Flag{
		&cli.StringFlag{Name: "shard", Usage: "I/N: only the I-th of N shares of the videos (0 <= I < N), split by content, so N processes or machines over one directory share it without talking; needs --out-dir; --rpm and --tpm are the totals, each shard pacing at its share"},
		&cli.IntFlag{Name: "shards", Usage: "N shards, this one's index from JOB_COMPLETION_INDEX (as a Kubernetes Indexed Job sets it)"},
	}
}

// batchCmdFlags are what `vidskim batch` needs: where the batches are
// recorded, the server and the key, and the answer cache.
func batchCmdFlags(formats string) []cli.Flag {
	return concat(libraryFlags()[:1], []cli.Flag{cacheDirFlag(), formatFlag(strings.Fields(formats)[0], "output format: "+formats)},
		only(modelFlags(), "api-key", "api-key-file", "base-url", "timeout", "max-retries"),
		only(providerFlags(), "azure-endpoint", "azure-api-key"), only(batchFlags(), "batch-poll"), only(selectFlags(), "verbose", "quiet", "log-format"))
}

// manyFlags choose and pace the videos of a run over many inputs.
func manyFlags() []cli.Flag {
	return []cli.Flag{
		&cli.StringSliceFlag{Name: "include", Usage: "in directories, only files whose name (or path) matches this glob (repeatable)"},
		&cli.StringSliceFlag{Name: "exclude", Usage: "in directories, skip files whose name (or path) matches this glob (repeatable)"},
		&cli.IntFlag{Name: "jobs", Value: 0, DefaultText: "the CPU cores, at least 2", Usage: "videos decoded at once; all share one request pool (--concurrency, --rpm, --tpm hold for the whole run)"},
	}
}

// libraryFlags say where runs are remembered.
func libraryFlags() []cli.Flag {
	return []cli.Flag{
		&cli.StringFlag{Name: "library", Usage: "the library database (default: $XDG_DATA_HOME/vidskim/library.db, else ~/.local/share/vidskim/library.db)"},
		&cli.BoolFlag{Name: "no-library", Usage: "neither look up nor record this run in the library"},
	}
}

// planFlags are what plan needs of summarize's, and its own format.
func planFlags() []cli.Flag {
	return concat(selectFlags(), jobFlags(), []cli.Flag{modelFlag(), maxTokensFlag(),
		formatFlag("text", "output format: text or json (several videos: JSON Lines, the total last)")}, transcribeFlags(), manyFlags(), batchFlags()[:2],
		only(speechFlags(), "speak", "tts-model", "language", "translate"), libraryFlags()) // the library keeps the plan's frames for summarize
}

func framesFlags() []cli.Flag {
	return concat(selectFlags(), []cli.Flag{
		&cli.StringFlag{Name: "out-dir", Usage: "write each kept frame here as a JPEG named by its timestamp (several videos: a subdirectory a video)"},
		formatFlag("text", "output format: text or json (several videos: JSON Lines)"),
	}, manyFlags())
}

// libraryCmdFlags are the library commands' own.
func libraryCmdFlags(formats string) []cli.Flag {
	return concat(libraryFlags()[:1], []cli.Flag{
		formatFlag(strings.Fields(formats)[0], "output format: "+formats),
		&cli.StringFlag{Name: "out", Aliases: []string{"o"}, Usage: "write the output to this file instead of stdout"},
	})
}

// only keeps the flags of set named in names.
func only(set []cli.Flag, names ...string) []cli.Flag {
	var out []cli.Flag
	for _, f := range set {
		if slices.Contains(names, f.Names()[0]) {
			out = append(out, f)
		}
	}
	return out
}

func concat(sets ...[]cli.Flag) []cli.Flag {
	var out []cli.Flag
	for _, s := range sets {
		out = append(out, s...)
	}
	return out
}
