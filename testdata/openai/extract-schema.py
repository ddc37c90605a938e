#!/usr/bin/env python3
"""Cuts schemas, with every schema they refer to, out of OpenAI's OpenAPI
document, so tests can validate request bodies against the official schema
without the 3 MB document. With no schema named, the chat-completions request
and response.

usage: extract-schema.py path/to/openapi.json > chat-schema.json
       extract-schema.py path/to/openapi.json CreateSpeechRequest CreateTranslationRequest > audio-schema.json
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

for root in sys.argv[2:] or ("CreateChatCompletionRequest", "CreateChatCompletionResponse"):
    keep.add(root)
    walk(schemas[root])
out = {
    "$comment": "From OpenAI's OpenAPI document %s (openapi %s); regenerate with extract-schema.py."
    % (doc["info"].get("version"), doc.get("openapi")),
    "components": {"schemas": {k: schemas[k] for k in sorted(keep)}},
}
json.dump(out, sys.stdout, indent=1, sort_keys=True)
sys.stdout.write("\n")
