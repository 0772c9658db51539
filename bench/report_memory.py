#!/usr/bin/env python3
"""Peak memory of `accord check` as the number of findings grows, per format.

    python3 bench/report_memory.py [--accord target/release/accord] [--baseline OLD-ACCORD]
                                   [--sizes 10000,100000,1000000] [--formats human,json,sarif,github,junit]

Generates an NDJSON log of Tuya order-detail responses, each with ten
planted type errors (ten findings an exchange), runs the binary on it in each
format with the report going to /dev/null, and prints the findings, the
throughput (MB of input a second) and the peak RSS (the kernel's maxrss of
the child). With --baseline, the same runs with another binary, in the same
session, and the ratio of peaks. Build first: cargo build --release -p accord-validator.
"""
import argparse, json, os, subprocess, sys, tempfile, time

SAMPLE = "tests/fixtures/tuya.queryOrderDetails/valid/response-200--sample.json"


def corpus(path, findings):
    body = json.load(open(SAMPLE))
    template = body["result"]["delivery_list"][0]
    # ten deliveries whose tracking number is a number where a string is due: ten findings
    body["result"]["delivery_list"] = [dict(template, logistics_no=1000 + i) for i in range(10)]
    with open(path, "w") as out:
        for i in range(findings // 10):
            body["result"]["order_id"] = f"order-{i:08}"
            line = {"operation": "tuya.queryOrderDetails", "response": {"status": 200, "body": body}}
            out.write(json.dumps(line, separators=(",", ":")) + "\n")


def measure(accord, fmt, path):
    start = time.monotonic()
    with open(os.devnull, "wb") as null:
        child = subprocess.Popen([accord, "check", "--format", fmt, path], stdout=null, stderr=subprocess.PIPE)
        _, status, usage = os.wait4(child.pid, 0)
        child.stderr.read()
    elapsed = time.monotonic() - start
    code = os.waitstatus_to_exitcode(status)
    if code != 1:
        sys.exit(f"{accord} --format {fmt}: exit {code}, expected 1 (contract errors)")
    return elapsed, usage.ru_maxrss / 1024  # KiB -> MiB


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--accord", default="target/release/accord")
    p.add_argument("--baseline")
    p.add_argument("--sizes", default="10000,100000,1000000")
    p.add_argument("--formats", default="human,json,sarif,github,junit")
    a = p.parse_args()
    os.chdir(os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
    binaries = [("this", a.accord)] + ([("baseline", a.baseline)] if a.baseline else [])
    print(f"{'format':7} {'findings':>9} {'input MB':>9} " + " ".join(f"{n + ' MB/s':>13} {n + ' peak MiB':>17}" for n, _ in binaries)
          + ("  peak ratio" if a.baseline else ""))
    with tempfile.TemporaryDirectory() as tmp:
        for size in map(int, a.sizes.split(",")):
            path = os.path.join(tmp, f"findings-{size}.ndjson")
            corpus(path, size)
            mb = os.path.getsize(path) / 1e6
            for fmt in a.formats.split(","):
                row = []
                for _, accord in binaries:
                    elapsed, peak = measure(accord, fmt, path)
                    row.append((mb / elapsed, peak))
                cells = " ".join(f"{r:13.1f} {pk:17.1f}" for r, pk in row)
                ratio = f"  {row[0][1] / row[1][1]:10.3f}" if a.baseline else ""
                print(f"{fmt:7} {size:9} {mb:9.1f} {cells}{ratio}", flush=True)
            os.remove(path)


if __name__ == "__main__":
    main()
