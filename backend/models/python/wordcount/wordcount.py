#!/usr/bin/env python3
"""Word counts as an MMF model run once per task by `mmf-worker --exec-per-task` (standard library only).

    mmf-worker --model wordcount --exec-per-task 'python3 wordcount.py' --proto wordcount.proto \
        --request mmf.examples.wordcount.WordCountRequest --response mmf.examples.wordcount.WordCountResponse

The request's JSON comes on stdin, the response's JSON goes to stdout; lines on stderr become the task's log
lines; exiting with a code other than 0 fails the attempt with the last stderr line as the message.
"""

import collections
import json
import re
import sys


def main():
    request = json.load(sys.stdin)
    text = request.get("text", "")
    top = request.get("top", 10)
    if not 1 <= top <= 100:
        print("top must be from 1 to 100, got %d" % top, file=sys.stderr)
        return 2
    words = [w.lower() for w in re.findall(r"[\w']+", text)]
    counts = collections.Counter(words)
    print("counted %d words, %d distinct" % (len(words), len(counts)), file=sys.stderr)
    ranked = sorted(counts.items(), key=lambda item: (-item[1], item[0]))[:top]
    json.dump({
        "words": len(words),
        "distinct": len(counts),
        "lines": len(text.splitlines()),
        "characters": len(text),
        "top": [{"word": word, "count": count} for word, count in ranked],
    }, sys.stdout)
    return 0


if __name__ == "__main__":
    sys.exit(main())
