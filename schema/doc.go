// Package schema holds the user's JSON Schema for structured answers
// (summaries and answers in a shape of the user's choosing): it loads and
// checks the schema before anything is paid for, says whether it keeps
// strict mode's rules (so a server may enforce it), validates answers
// locally whatever the server promised, and asks once more, saying what
// was wrong, when an answer does not validate.
//
// It uses github.com/santhosh-tekuri/jsonschema/v6 and llm's neutral
// request types; it must not import the pipeline packages (summarize,
// render) nor the CLI, and it never names a flag: errors are values.
package schema
