#!/usr/bin/env python3
"""Check the asl web console in headless Chromium and assert what an expect file says.

Python 3 standard library only. Runs Debian's `chromium` (the path in $CHROMIUM, else
`chromium` on PATH) twice: once with --dump-dom to read the page after its scripts ran
(--virtual-time-budget, so live polling advances in virtual time), and once with
--screenshot when --screenshot is given. The DOM is parsed with html.parser.

Usage
  check_console.py --base http://127.0.0.1:PORT --execution-arn ARN  [--expect-json FILE] [--screenshot OUT.png]
  check_console.py --base http://127.0.0.1:PORT --machine-arn ARN    [--expect-json FILE] [--screenshot OUT.png]
  check_console.py --base http://127.0.0.1:PORT --machines           [--expect-json FILE] [--screenshot OUT.png]
Options: --expect JSON (inline instead of a file), --state NAME (open the state's details
panel, same as "selected_state"), --budget MS (virtual time, default 8000), --window-size W,H
(default 1400,1000), --dom-out FILE (keep the dumped DOM), --timeout S (per chromium run,
default 120), --show (print what was found, for writing expect files).

Exit status: 0 when every expectation holds; 1 with the list of those that do not; 2 when the
check could not run (chromium missing or crashed, bad arguments, unreadable expect file).

Pages (hash routes of the console)
  #/                                 state machines        (--machines)
  #/machine/<arn>[?status=S]         executions of one     (--machine-arn)
  #/execution/<arn>[?state=<name>]   one execution          (--execution-arn)

Expect file: one JSON object; every key is optional. Keys for every page:
  "texts":         ["…"]   each must occur in the page's text (whitespace collapsed)
  "absent_texts":  ["…"]   none may occur
  "error_banner":  "Type"  an error banner with this __type must show (e.g.
                            "ExecutionDoesNotExist"); without this key, any error banner
                            is a failure (set "allow_error_banner": true to ignore banners)
  "allow_error_banner": true
Execution page (--execution-arn):
  "status":   "FAILED"     the execution status badge (#execution-status[data-status])
  "states":   {"Start": "succeeded", "Fail here": "failed", "Never": "not-visited"}
              each state's mark: the graph node <g class="state state-<status>" data-state=…>;
              when no graph is drawn (definition not drawable), the States table row
              (tr.state-row[data-state][data-status]). Statuses: not-visited, running,
              succeeded, failed, caught, aborted.
  "visits":   {"Charge item": 4}            visits per state (data-visits / States table)
  "history_min_events": 7                  at least this many rows in the history table (tr.event)
  "history_events": 29                     exactly this many rows
  "history_types": ["ExecutionFailed"]     each event type must appear (tr.event[data-type])
              (always checked on this page: the history rows' event ids are unique and increasing)
  "map_progress": {"Process items": {"length": 4, "succeeded": 4, "failed": ">=0"}}
              from the Map node's progress element (.map-progress[data-state]: data-length,
              data-started, data-succeeded, data-failed, data-aborted, data-running); a value
              is a number (equal) or a string ">=N", "<=N", ">N", "<N".
  "graph":    true|false   a graph is drawn (svg#graph) / the "cannot draw" note shows instead
  "live":     true|false   the page is still polling (main#app[data-live="true"])
  "error":    "States.TaskFailed"  the execution's error (#execution-error-name)
  "selected_state": "Name" open this state's panel (?state=) and check #state-panel[data-state]
  "panel_texts": ["…"]     each must occur in the state panel (#state-panel)
Machines page (--machines):
  "machines": ["name", …]          these state machines are listed (tr.machine-row[data-name])
  "machine_types": {"name": "EXPRESS"}
  "machines_min": 2
Executions page (--machine-arn):
  "executions": {"name": "SUCCEEDED"}  rows (tr.execution-row[data-name][data-status])
  "executions_min": 1
  "status_filter": "FAILED"        open the page with this filter; every row must have it
  "load_more": true|false          the "Load more" button (#load-more) is shown / hidden

Example: {"status": "FAILED", "states": {"Validate": "succeeded", "Fail here": "failed",
          "Done": "not-visited"}, "history_min_events": 7, "texts": ["States.TaskFailed"]}
"""

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from html.parser import HTMLParser
from urllib.parse import quote

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param", "source",
        "track", "wbr"}
STATUSES = {"not-visited", "running", "succeeded", "failed", "caught", "aborted"}


# ------------------------------------------------------------------------------------------
# A small DOM
# ------------------------------------------------------------------------------------------


class Node:
    __slots__ = ("tag", "attrs", "children", "parent")

    def __init__(self, tag, attrs, parent):
        self.tag = tag
        self.attrs = attrs
        self.children = []
        self.parent = parent

    def classes(self):
        return (self.attrs.get("class") or "").split()

    def get(self, name, default=None):
        return self.attrs.get(name, default)

    def iter(self):
        stack = [self]
        while stack:
            n = stack.pop()
            yield n
            for c in reversed(n.children):
                if isinstance(c, Node):
                    stack.append(c)

    def text(self):
        out = []

        def walk(n):
            if n.tag in ("script", "style", "noscript"):
                return
            for c in n.children:
                if isinstance(c, Node):
                    walk(c)
                else:
                    out.append(c)

        walk(self)
        return re.sub(r"\s+", " ", " ".join(out)).strip()

    def hidden(self):
        n = self
        while n is not None:
            if "hidden" in n.attrs:
                return True
            n = n.parent
        return False


class Builder(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.root = Node("#root", {}, None)
        self.stack = [self.root]

    def handle_starttag(self, tag, attrs):
        n = Node(tag, {k: (v if v is not None else "") for k, v in attrs}, self.stack[-1])
        self.stack[-1].children.append(n)
        if tag not in VOID:
            self.stack.append(n)

    def handle_startendtag(self, tag, attrs):
        n = Node(tag, {k: (v if v is not None else "") for k, v in attrs}, self.stack[-1])
        self.stack[-1].children.append(n)

    def handle_endtag(self, tag):
        for i in range(len(self.stack) - 1, 0, -1):
            if self.stack[i].tag == tag:
                del self.stack[i:]
                return

    def handle_data(self, data):
        self.stack[-1].children.append(data)


def parse(html):
    b = Builder()
    b.feed(html)
    b.close()
    return b.root


# ------------------------------------------------------------------------------------------
# Chromium
# ------------------------------------------------------------------------------------------


class CheckError(Exception):
    pass


def chromium_path():
    p = os.environ.get("CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")
    if not p:
        raise CheckError("chromium not found: set $CHROMIUM or install Debian's chromium")
    return p


def run_chromium(url, extra, budget, window, timeout):
    exe = chromium_path()
    with tempfile.TemporaryDirectory(prefix="check-console-") as profile:
        cmd = [exe, "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
               "--no-first-run", "--no-default-browser-check", "--disable-extensions", "--hide-scrollbars",
               "--mute-audio", f"--user-data-dir={profile}", f"--window-size={window}",
               f"--virtual-time-budget={budget}"] + extra + [url]
        try:
            r = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=timeout)
        except subprocess.TimeoutExpired:
            raise CheckError(f"chromium did not finish within {timeout} s: {' '.join(cmd)}")
        except OSError as e:
            raise CheckError(f"chromium could not be started ({exe}): {e}")
    return r


def dump_dom(url, budget, window, timeout):
    r = run_chromium(url, ["--dump-dom"], budget, window, timeout)
    out = r.stdout.decode("utf-8", "replace")
    if r.returncode != 0 or "<html" not in out.lower():
        err = r.stderr.decode("utf-8", "replace")[-2000:]
        raise CheckError(f"chromium --dump-dom failed (exit {r.returncode}); stderr:\n{err}")
    return out


def screenshot(url, path, budget, window, timeout):
    path = os.path.abspath(path)
    if os.path.exists(path):
        os.remove(path)
    r = run_chromium(url, [f"--screenshot={path}"], budget, window, timeout)
    if not os.path.exists(path):
        err = r.stderr.decode("utf-8", "replace")[-2000:]
        raise CheckError(f"chromium wrote no screenshot (exit {r.returncode}); stderr:\n{err}")


# ------------------------------------------------------------------------------------------
# Checks
# ------------------------------------------------------------------------------------------


def compare(value, want):
    """`want` is a number (equal) or a string ">=N" / "<=N" / ">N" / "<N" / "N"."""
    try:
        v = float(value)
    except (TypeError, ValueError):
        return False
    if isinstance(want, (int, float)) and not isinstance(want, bool):
        return v == float(want)
    m = re.fullmatch(r"\s*(>=|<=|>|<|==)?\s*(-?\d+(\.\d+)?)\s*", str(want))
    if not m:
        return False
    op, n = m.group(1) or "==", float(m.group(2))
    return {">=": v >= n, "<=": v <= n, ">": v > n, "<": v < n, "==": v == n}[op]


class Page:
    def __init__(self, root):
        self.root = root
        self.all = list(root.iter())

    def by_id(self, id_):
        for n in self.all:
            if n.get("id") == id_:
                return n
        return None

    def select(self, tag=None, cls=None, **attrs):
        out = []
        for n in self.all:
            if tag and n.tag != tag:
                continue
            if cls and cls not in n.classes():
                continue
            if any(n.get(k.replace("_", "-")) != v for k, v in attrs.items()):
                continue
            out.append(n)
        return out

    def graph_states(self):
        out = {}
        for n in self.all:
            if "state" in n.classes() and n.get("data-state") is not None:
                st = [c[len("state-"):] for c in n.classes() if c.startswith("state-") and c[len("state-"):] in STATUSES]
                out[n.get("data-state")] = (st[0] if st else None, n)
        return out

    def table_states(self):
        out = {}
        for n in self.select("tr", "state-row"):
            visits = None
            tds = [c for c in n.children if isinstance(c, Node) and c.tag == "td"]
            if len(tds) >= 4:
                visits = tds[3].text()
            out[n.get("data-state")] = (n.get("data-status"), visits)
        return out


def check(page, kind, expect):
    fails = []
    passed = 0

    def ok(cond, msg):
        nonlocal passed
        if cond:
            passed += 1
        else:
            fails.append(msg)

    app = page.by_id("app")
    if app is None:
        return ["the page has no main#app element (is the server up and serving the console at /?)"], 0
    ok(app.get("data-ready") == "true", f"the page did not finish loading (main#app data-ready={app.get('data-ready')!r})")
    want_view = {"execution": "execution", "machine": "machine", "machines": "machines"}[kind]
    ok(app.get("data-view") == want_view, f"view is {app.get('data-view')!r}, expected {want_view!r}")

    banner = page.by_id("banner")
    items = [n for n in page.select(cls="banner-item")] if banner is not None else []
    shown = [(n.get("data-error-type"), n.text()) for n in items if not n.hidden()]
    if "error_banner" in expect:
        want = expect["error_banner"]
        ok(any(t == want for t, _ in shown),
           f"expected an error banner {want!r}; banners shown: {[t for t, _ in shown] or 'none'}")
    elif not expect.get("allow_error_banner"):
        ok(not shown, "error banner shown: " + "; ".join(f"{t}: {x}" for t, x in shown))

    text = page.root.text()
    for t in expect.get("texts", []):
        ok(re.sub(r"\s+", " ", t) in text, f"text not found on the page: {t!r}")
    for t in expect.get("absent_texts", []):
        ok(re.sub(r"\s+", " ", t) not in text, f"text should not be on the page: {t!r}")

    if kind == "execution":
        if "status" in expect:
            el = page.by_id("execution-status")
            got = el.get("data-status") if el is not None else None
            ok(got == expect["status"], f"execution status is {got!r}, expected {expect['status']!r}")
        graph = page.by_id("graph")
        if "graph" in expect:
            ok((graph is not None) == bool(expect["graph"]),
               "a graph is drawn" if graph is not None else "no graph is drawn (svg#graph missing)")
        gs = page.graph_states()
        ts = page.table_states()
        for name, want in (expect.get("states") or {}).items():
            if want not in STATUSES:
                fails.append(f"expect file: unknown status {want!r} for state {name!r} (one of {sorted(STATUSES)})")
                continue
            if graph is not None:
                if name not in gs:
                    fails.append(f"state {name!r}: no graph node (g.state[data-state]); nodes: {sorted(gs)}")
                    continue
                got = gs[name][0]
                where = "graph node"
            else:
                if name not in ts:
                    fails.append(f"state {name!r}: not in the States table; rows: {sorted(ts)}")
                    continue
                got = ts[name][0]
                where = "States table"
            ok(got == want, f"state {name!r} is {got!r} ({where}), expected {want!r}")
        for name, want in (expect.get("visits") or {}).items():
            got = None
            if name in gs:
                got = gs[name][1].get("data-visits")
            elif name in ts:
                got = ts[name][1]
            ok(got is not None and compare(got, want), f"state {name!r} has {got!r} visits, expected {want!r}")
        rows = page.select("tr", "event")
        ids = [r.get("data-event-id") for r in rows]
        nums = [int(i) for i in ids if i and i.isdigit()]
        ok(len(nums) == len(ids) and nums == sorted(set(nums)),
           "history event ids are not unique and increasing: " + ", ".join(map(str, ids[:60])))
        if "history_min_events" in expect:
            ok(len(rows) >= expect["history_min_events"],
               f"history has {len(rows)} events, expected at least {expect['history_min_events']}")
        if "history_events" in expect:
            ok(len(rows) == expect["history_events"], f"history has {len(rows)} events, expected {expect['history_events']}")
        types = {r.get("data-type") for r in rows}
        for t in expect.get("history_types", []):
            ok(t in types, f"no {t!r} event in the history table")
        progress = {n.get("data-state"): n for n in page.select(cls="map-progress")}
        for name, wants in (expect.get("map_progress") or {}).items():
            n = progress.get(name)
            if n is None:
                fails.append(f"map {name!r}: no progress element (.map-progress[data-state]); found {sorted(progress)}")
                continue
            for k, want in wants.items():
                got = n.get(f"data-{k}")
                ok(compare(got, want), f"map {name!r} {k} is {got!r}, expected {want!r}")
        if "live" in expect:
            live = app.get("data-live") == "true"
            ok(live == bool(expect["live"]), f"live polling is {'on' if live else 'off'}, expected {'on' if expect['live'] else 'off'}")
        if "error" in expect:
            el = page.by_id("execution-error-name")
            got = el.text() if el is not None and not el.hidden() else None
            ok(got == expect["error"], f"execution error is {got!r}, expected {expect['error']!r}")
        if expect.get("selected_state"):
            p = page.by_id("state-panel")
            got = p.get("data-state") if p is not None else None
            ok(got == expect["selected_state"], f"state panel shows {got!r}, expected {expect['selected_state']!r}")
        ptext = page.by_id("state-panel").text() if page.by_id("state-panel") is not None else ""
        for t in expect.get("panel_texts", []):
            ok(re.sub(r"\s+", " ", t) in ptext, f"text not found in the state panel: {t!r}")

    if kind == "machines":
        rows = page.select("tr", "machine-row")
        names = {r.get("data-name"): r for r in rows}
        for n in expect.get("machines", []):
            ok(n in names, f"state machine {n!r} is not listed; listed: {sorted(names)}")
        for n, t in (expect.get("machine_types") or {}).items():
            got = names[n].get("data-type") if n in names else None
            ok(got == t, f"state machine {n!r} has type {got!r}, expected {t!r}")
        if "machines_min" in expect:
            ok(len(rows) >= expect["machines_min"], f"{len(rows)} state machines listed, expected at least {expect['machines_min']}")

    if kind == "machine":
        rows = page.select("tr", "execution-row")
        names = {r.get("data-name"): r for r in rows}
        for n, st in (expect.get("executions") or {}).items():
            got = names[n].get("data-status") if n in names else None
            ok(got == st, f"execution {n!r} has status {got!r}, expected {st!r}" if n in names
               else f"execution {n!r} is not listed; listed: {sorted(names)}")
        if "executions_min" in expect:
            ok(len(rows) >= expect["executions_min"], f"{len(rows)} executions listed, expected at least {expect['executions_min']}")
        if expect.get("status_filter"):
            bad = [r.get("data-name") for r in rows if r.get("data-status") != expect["status_filter"]]
            ok(not bad, f"rows not matching the status filter {expect['status_filter']!r}: {bad}")
            sel = page.by_id("status-filter")
            chosen = None
            if sel is not None:
                for o in sel.iter():
                    if o.tag == "option" and "selected" in o.attrs:
                        chosen = o.get("value")
            ok(chosen == expect["status_filter"], f"the status filter shows {chosen!r}, expected {expect['status_filter']!r}")
        if "load_more" in expect:
            btn = page.by_id("load-more")
            visible = btn is not None and not btn.hidden()
            ok(visible == bool(expect["load_more"]), f"'Load more' is {'shown' if visible else 'hidden'}, expected {'shown' if expect['load_more'] else 'hidden'}")
    return fails, passed


def describe(page, kind):
    """What the page shows, for --show."""
    app = page.by_id("app")
    out = {"view": app.get("data-view") if app is not None else None,
           "ready": app.get("data-ready") if app is not None else None,
           "banners": [n.get("data-error-type") for n in page.select(cls="banner-item")]}
    if kind == "execution":
        el = page.by_id("execution-status")
        out["status"] = el.get("data-status") if el is not None else None
        out["live"] = app.get("data-live") == "true" if app is not None else None
        out["graph"] = page.by_id("graph") is not None
        out["states"] = {k: v[0] for k, v in page.graph_states().items()} or {k: v[0] for k, v in page.table_states().items()}
        out["history_events"] = len(page.select("tr", "event"))
        out["map_progress"] = {n.get("data-state"): {k[5:]: v for k, v in n.attrs.items() if k.startswith("data-") and k != "data-state"}
                               for n in page.select(cls="map-progress")}
    elif kind == "machines":
        out["machines"] = {r.get("data-name"): r.get("data-type") for r in page.select("tr", "machine-row")}
    else:
        out["executions"] = {r.get("data-name"): r.get("data-status") for r in page.select("tr", "execution-row")}
        btn = page.by_id("load-more")
        out["load_more"] = btn is not None and not btn.hidden()
    return out


def main(argv=None):
    ap = argparse.ArgumentParser(description="Check the asl console in headless Chromium.",
                                 epilog="See the module docstring for the expect-file format.")
    ap.add_argument("--base", required=True, help="server base URL, e.g. http://127.0.0.1:8080")
    g = ap.add_mutually_exclusive_group()
    g.add_argument("--execution-arn")
    g.add_argument("--machine-arn")
    g.add_argument("--machines", action="store_true", help="the state machines list (default)")
    ap.add_argument("--expect-json", help="expect file (JSON)")
    ap.add_argument("--expect", help="expectations as inline JSON")
    ap.add_argument("--screenshot", help="write a PNG screenshot of the page")
    ap.add_argument("--state", help="select this state (opens its details panel)")
    ap.add_argument("--budget", type=int, default=8000, help="chromium --virtual-time-budget in ms")
    ap.add_argument("--window-size", default="1400,1000")
    ap.add_argument("--timeout", type=int, default=120)
    ap.add_argument("--dom-out", help="write the dumped DOM to this file")
    ap.add_argument("--show", action="store_true", help="print what the page shows (JSON)")
    args = ap.parse_args(argv)

    try:
        expect = {}
        if args.expect_json:
            with open(args.expect_json, encoding="utf-8") as f:
                expect = json.load(f)
        if args.expect:
            expect.update(json.loads(args.expect))
        if not isinstance(expect, dict):
            raise CheckError("the expectations must be a JSON object")
    except (OSError, ValueError) as e:
        print(f"check_console: cannot read the expectations: {e}", file=sys.stderr)
        return 2
    except CheckError as e:
        print(f"check_console: {e}", file=sys.stderr)
        return 2

    base = args.base.rstrip("/")
    if args.execution_arn:
        kind = "execution"
        url = f"{base}/#/execution/{quote(args.execution_arn, safe='')}"
        state = args.state or expect.get("selected_state")
        if state:
            url += f"?state={quote(state, safe='')}"
            expect.setdefault("selected_state", state)
    elif args.machine_arn:
        kind = "machine"
        url = f"{base}/#/machine/{quote(args.machine_arn, safe='')}"
        if expect.get("status_filter"):
            url += f"?status={quote(expect['status_filter'], safe='')}"
    else:
        kind = "machines"
        url = f"{base}/#/"

    try:
        html = dump_dom(url, args.budget, args.window_size, args.timeout)
        if args.dom_out:
            with open(args.dom_out, "w", encoding="utf-8") as f:
                f.write(html)
        page = Page(parse(html))
        fails, passed = check(page, kind, expect)
        if args.show:
            print(json.dumps(describe(page, kind), indent=2, ensure_ascii=False))
        if args.screenshot:
            screenshot(url, args.screenshot, args.budget, args.window_size, args.timeout)
    except CheckError as e:
        print(f"check_console: {e}", file=sys.stderr)
        return 2

    print(f"check_console: {url}")
    if args.screenshot:
        print(f"check_console: screenshot written to {args.screenshot}")
    if fails:
        print(f"check_console: {len(fails)} expectation(s) failed, {passed} held:")
        for f_ in fails:
            print(f"  - {f_}")
        return 1
    print(f"check_console: all {passed} expectation(s) held")
    return 0


if __name__ == "__main__":
    sys.exit(main())
