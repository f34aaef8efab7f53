"""Running a reference worker (a script driving GDAL's built-in drivers)
over files in child processes: the built-in HDF5 driver aborts on some
files, and one abort must not lose the results of the others."""
import json
import subprocess
import sys


def run_worker(worker, paths, crashed, env=None, timeout=1800, args=()):
    """{path: record} from worker, which reads paths on stdin and prints
    "START\\tpath" then "DONE\\t<json record>" per file. A file on which the
    worker's process dies is tried once more in a fresh process (seen once
    in CI on a file read fine the next time); after a second death its
    record is crashed(path), with the worker's stderr and return code."""
    results, todo, tries = {}, list(paths), {}
    while todo:
        p = subprocess.run([sys.executable, worker, *args], input="\n".join(todo) + "\n", capture_output=True, text=True,
                           timeout=timeout, env=env)
        current = None
        for line in p.stdout.splitlines():
            tag, _, rest = line.partition("\t")
            if tag == "START":
                current = rest
            elif tag == "DONE":
                r = json.loads(rest)
                results[r["path"]] = r
                current = None
        if current is not None:
            tries[current] = tries.get(current, 0) + 1
            if tries[current] >= 2:
                results[current] = dict(crashed(current), stderr=p.stderr[-2000:], returncode=p.returncode)
        remaining = [f for f in todo if f not in results]
        if len(remaining) == len(todo) and (current is None or tries[current] >= 2):
            break  # the worker gets nowhere
        todo = remaining
    return results


def serve(describe):
    """The worker's side: for each path on stdin, "START\tpath" then
    "DONE\t<json of describe(path)>"."""
    for line in sys.stdin:
        path = line.rstrip("\n")
        if path:
            print("START\t" + path, flush=True)
            print("DONE\t" + json.dumps(describe(path)), flush=True)
