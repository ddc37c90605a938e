#!/usr/bin/env python3
"""Cuts schemas, with every schema they refer to, out of OpenAI's OpenAPI
document, so tests can validate what vidskim sends against the official
schema without the 3 MB document. With no schema named, the chat-completions
request and response.

usage: extract-schema.py path/to/openapi.json > chat-schema.json
       extract-schema.py path/to/openapi.json CreateSpeechRequest CreateTranslationRequest > audio-schema.json
       extract-schema.py path/to/openapi.json --batch > batch-schema.json

--batch cuts the Files and Batches schemas, and adds the per-line objects of
a batch's input and output files (BatchRequestInput, BatchRequestOutput).
Those two are the API reference's "request input object" and "request output
object" (platform.openai.com/docs/api-reference/batch/request-input and
/request-output); earlier versions of the OpenAPI document held them under
these names, the current one no longer does, so they are written out here
as the reference documents them.
"""
import json, sys

doc = json.load(open(sys.argv[1]))
schemas = doc["components"]["schemas"]
keep = set()

def walk(o):
    if isinstance(o, dict):
        for k, v in o.items():
            if k == "$ref" and isinstance(v, str):
                name = v.split("/")[-1]
                if name not in keep:
                    keep.add(name)
                    walk(schemas[name])
            else:
                walk(v)
    elif isinstance(o, list):
        for x in o:
            walk(x)

batch = "--batch" in sys.argv[2:]
roots = [a for a in sys.argv[2:] if a != "--batch"] or ["CreateChatCompletionRequest", "CreateChatCompletionResponse"]
if batch:
    roots = ["CreateFileRequest", "OpenAIFile", "ListFilesResponse", "CreateBatchRequest", "Batch", "ListBatchesResponse"]
for root in roots:
    keep.add(root)
    walk(schemas[root])
out = {
    "$comment": "From OpenAI's OpenAPI document %s (openapi %s); regenerate with extract-schema.py%s."
    % (doc["info"].get("version"), doc.get("openapi"), " --batch" if batch else ""),
    "components": {"schemas": {k: schemas[k] for k in sorted(keep)}},
}
if batch:
    out["components"]["schemas"]["BatchRequestInput"] = {
        "description": "The per-line object of the batch input file (API reference: the request input object).",
        "type": "object",
        "additionalProperties": False,
        "required": ["custom_id", "method", "url", "body"],
        "properties": {
            "custom_id": {"type": "string", "minLength": 1,
                          "description": "A developer-provided per-request id that will be used to match outputs to inputs. Must be unique for each request in a batch."},
            "method": {"type": "string", "enum": ["POST"],
                       "description": "The HTTP method to be used for the request. Currently only POST is supported."},
            "url": {"type": "string", "enum": ["/v1/chat/completions", "/v1/embeddings", "/v1/completions", "/v1/responses"],
                    "description": "The OpenAI API relative URL to be used for the request."},
            "body": {"type": "object", "description": "The request body, as the endpoint named by url takes it."},
        },
    }
    out["components"]["schemas"]["BatchRequestOutput"] = {
        "description": "The per-line object of the batch output and error files (API reference: the request output object).",
        "type": "object",
        "required": ["id", "custom_id", "response", "error"],
        "properties": {
            "id": {"type": "string"},
            "custom_id": {"type": "string",
                          "description": "A developer-provided per-request id that will be used to match outputs to inputs."},
            "response": {"anyOf": [{"type": "null"}, {
                "type": "object",
                "required": ["status_code", "request_id", "body"],
                "properties": {
                    "status_code": {"type": "integer", "description": "The HTTP status code of the response"},
                    "request_id": {"type": "string", "description": "An unique identifier for the OpenAI API request."},
                    "body": {"type": "object", "description": "The JSON body of the response"},
                }}]},
            "error": {"anyOf": [{"type": "null"}, {
                "type": "object",
                "required": ["code", "message"],
                "description": "For requests that failed with a non-HTTP error, more information on the cause of the failure.",
                "properties": {"code": {"type": "string"}, "message": {"type": "string"}}}]},
        },
    }
json.dump(out, sys.stdout, indent=1, sort_keys=True)
sys.stdout.write("\n")
