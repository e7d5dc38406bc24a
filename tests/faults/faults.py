#!/usr/bin/env python3
"""Fault suite: a server and three sites, each in its own network namespace, joined by veth
pairs to a bridge in a switch namespace (addresses exist only inside those namespaces).

Each scenario starts a fresh deployment from the same kits, injects one fault (a cut link, a
kill -9 and restart of the server or a site mid-registration, mid-vote or mid-delivery, loss and
delay where the kernel has netem), submits a job and then checks what must hold after any fault:
  - every participant's audit log verifies (`cchost audit verify`);
  - every job is in a terminal state (deployed or failed) with a reason for every site left out;
  - no decision is lost or recorded twice (exactly one `job.decided` per job in the server log).
It prints one row per scenario: outcome and time from submit to decision.

Exit 0: every scenario held. 1: one failed (its logs are kept and named). 77: network namespaces
are not permitted here (ctest reports the test as skipped with the reason).
"""
import argparse
import hashlib
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time

SKIP = 77
SITES = ["site-1", "site-2", "site-3"]
SUBNET = "10.231.0"          # only inside the namespaces this script creates
SERVER_ADDR = SUBNET + ".1"
PORT = 17400                 # the server's namespace is its own: no collision possible
TERMINAL = {"deployed", "failed"}


def run(cmd, check=True, **kw):
    r = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, **kw)
    if check and r.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)} exited {r.returncode}: {r.stdout.strip()}")
    return r


class Network:
    """One switch namespace with a bridge; one namespace per participant on a veth into it."""

    def __init__(self, tag):
        self.tag = tag
        self.sw = f"ccf{tag}-sw"
        self.ns = {}
        self.created = []

    def ns_of(self, who):
        return self.ns[who]

    def up(self, participants):
        run(["ip", "netns", "add", self.sw])
        self.created.append(self.sw)
        run(["ip", "-n", self.sw, "link", "add", "br0", "type", "bridge"])
        run(["ip", "-n", self.sw, "link", "set", "br0", "up"])
        for i, who in enumerate(participants):
            ns = f"ccf{self.tag}-{who}"
            run(["ip", "netns", "add", ns])
            self.created.append(ns)
            self.ns[who] = ns
            inner, outer = "eth0", f"v{self.tag}p{i}"
            run(["ip", "-n", self.sw, "link", "add", outer, "type", "veth", "peer", "name", inner, "netns", ns])
            run(["ip", "-n", self.sw, "link", "set", outer, "master", "br0", "up"])
            run(["ip", "-n", ns, "addr", "add", f"{SUBNET}.{i + 1}/24", "dev", inner])
            run(["ip", "-n", ns, "link", "set", inner, "up"])
            run(["ip", "-n", ns, "link", "set", "lo", "up"])
        self.index = {who: i for i, who in enumerate(participants)}

    def link(self, who, state):
        run(["ip", "-n", self.sw, "link", "set", f"v{self.tag}p{self.index[who]}", state])

    def netem(self, args):
        """Applies netem on every participant's interface; False where the kernel lacks it."""
        for ns in self.ns.values():
            r = run(["ip", "netns", "exec", ns, "tc", "qdisc", "replace", "dev", "eth0", "root", "netem"] + args,
                    check=False)
            if r.returncode != 0:
                return r.stdout.strip()
        return ""

    def random_drop(self, percent):
        """Drops `percent`% of the packets each participant sends (nftables numgen), for kernels
        without netem; "" on success, else why not."""
        if shutil.which("nft") is None:
            return "nft not installed"
        for ns in self.ns.values():
            for cmd in (["add", "table", "inet", "ccfault"],
                        ["add", "chain", "inet", "ccfault", "out", "{ type filter hook output priority 0; }"],
                        ["add", "rule", "inet", "ccfault", "out", "numgen", "random", "mod", "100", "<", str(percent),
                         "counter", "drop"]):
                r = run(["ip", "netns", "exec", ns, "nft"] + cmd, check=False)
                if r.returncode != 0:
                    return r.stdout.strip()
        return ""

    def dropped(self):
        """Packets the random-drop rules have dropped so far, over every participant."""
        total = 0
        for ns in self.ns.values():
            r = run(["ip", "netns", "exec", ns, "nft", "list", "table", "inet", "ccfault"], check=False)
            for word in r.stdout.split("packets ")[1:]:
                total += int(word.split()[0])
        return total

    def down(self):
        for ns in reversed(self.created):
            run(["ip", "netns", "del", ns], check=False)


def file_sha256(path):
    try:
        with open(path, "rb") as f:
            return hashlib.sha256(f.read()).hexdigest()
    except OSError:
        return None


def netns_permitted():
    probe = f"ccfprobe{os.getpid()}"
    r = run(["ip", "netns", "add", probe], check=False)
    if r.returncode != 0:
        return r.stdout.strip() or "ip netns add failed"
    run(["ip", "netns", "del", probe], check=False)
    return ""


PROJECT = """
[project]
name = "faults"
simulate = true

[runtime]
reattest_interval = "10m"
request_timeout = "{timeout}"

[server]
name = "server"
host = "{server}"
port = {port}
policy = "policies/server.toml"

  [[server.authorizer]]
  namespace = "x-snp"
  plugin = "snp_authorizer.so"
  backend = "sim"
{sites}
[admin]
name = "admin"
org = "org-a"
"""

SITE = """
[[site]]
name = "{name}"
org = "org-{name}"
policy = "policies/site.toml"

  [[site.authorizer]]
  namespace = "x-snp"
  plugin = "snp_authorizer.so"
  backend = "sim"
"""


class Deployment:
    def __init__(self, args, root, net, kits, fingerprint):
        self.args, self.root, self.net, self.kits, self.fp = args, root, net, kits, fingerprint
        self.procs = {}
        self.ws = os.path.join(root, "ws")
        self.logs = os.path.join(root, "logs")
        os.makedirs(self.logs, exist_ok=True)

    def cchost(self, *a):
        return [os.path.join(self.args.bin, "cchost")] + list(a)

    def start(self, who):
        log = open(os.path.join(self.logs, f"{who}.log"), "a")
        cmd = ["ip", "netns", "exec", self.net.ns_of(who)] + self.cchost(
            "--log-level", "info", "run", "--kit", os.path.join(self.kits, who), "--workspace",
            os.path.join(self.ws, who), "--heartbeat-ms", "300", "--root-fingerprint", self.fp)
        self.procs[who] = subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT)

    def kill9(self, who):
        p = self.procs.pop(who, None)
        if p:
            p.send_signal(signal.SIGKILL)
            p.wait()

    def stop_all(self):
        for p in self.procs.values():
            p.send_signal(signal.SIGTERM)
        for p in self.procs.values():
            try:
                p.wait(timeout=15)
            except subprocess.TimeoutExpired:
                p.kill()
                p.wait()
        self.procs = {}

    def admin(self, *a, timeout=5):
        cmd = ["ip", "netns", "exec", self.net.ns_of("server")] + self.cchost(
            "admin", "--kit", os.path.join(self.kits, "admin"), "--root-fingerprint", self.fp, "--timeout",
            str(timeout), *a)
        return run(cmd, check=False)

    def status(self):
        r = self.admin("status", "--json")
        if r.returncode != 0:
            return None
        try:
            return json.loads(r.stdout[r.stdout.index("{"):])
        except ValueError:
            return None

    def registered(self):
        """Sites registered with the server process running now: status says registered (a
        restarted server recovers that from its workspace) and its audit log holds an accepted
        registration since its last start."""
        st = self.status() or {}
        shown = {p["name"] for p in st.get("participants", []) if p.get("registered")}
        since_start = set()
        try:
            with open(os.path.join(self.ws, "server", "audit.log"), errors="replace") as f:
                for line in f:
                    try:
                        e = json.loads(line)
                    except ValueError:
                        continue
                    if e.get("type") == "system.bootstrap":
                        since_start = set()
                    elif e.get("type") == "registration" and e.get("accept"):
                        since_start.add(e.get("site"))
        except OSError:
            pass
        return shown & since_start

    def check_alive(self):
        """A participant that exited on its own is a failure at once, with its last words."""
        for who, p in self.procs.items():
            if p.poll() is not None:
                with open(os.path.join(self.logs, f"{who}.log"), errors="replace") as f:
                    tail = f.read()[-400:].strip()
                raise Broken(f"{who} exited with {p.returncode}: {tail}")

    def wait_registered(self, names, deadline_s=60):
        end = time.time() + deadline_s
        while time.time() < end:
            self.check_alive()
            if set(names) <= self.registered():
                return True
            time.sleep(0.3)
        return False

    def submit(self, job_id, sites, min_sites, payload_bytes=64):
        payload = os.path.join(self.root, f"{job_id}.bin")
        with open(payload, "wb") as f:
            f.write(os.urandom(payload_bytes))
        spec = os.path.join(self.root, f"{job_id}.toml")
        with open(spec, "w") as f:
            f.write(f'id = "{job_id}"\ndeploy_map = {json.dumps(sites)}\nmin_sites = {min_sites}\n'
                    f'retries = 0\npayload = "{os.path.basename(payload)}"\n')
        r = self.admin("submit", spec, timeout=10)
        if r.returncode != 0:
            raise RuntimeError(f"submit {job_id}: {r.stdout.strip()}")

    def payload_sha256(self, job_id):
        return file_sha256(os.path.join(self.root, f"{job_id}.bin"))

    def job(self, job_id):
        for j in (self.status() or {}).get("jobs", []):
            if j.get("id") == job_id:
                return j
        return None

    def wait_terminal(self, job_id, deadline_s):
        end = time.time() + deadline_s
        while time.time() < end:
            self.check_alive()
            j = self.job(job_id)
            if j and j.get("state") in TERMINAL:
                return j
            time.sleep(0.2)
        return self.job(job_id)

    def wait_audit(self, who, entry_type, count=1, deadline_s=30):
        """Waits until WHO's audit log holds COUNT entries of ENTRY_TYPE: the log is written
        (and synced) before each step's effect is sent, so it marks where a protocol stands."""
        path = os.path.join(self.ws, who, "audit.log")
        needle = f'"type":"{entry_type}"'
        end = time.time() + deadline_s
        while time.time() < end:
            try:
                with open(path, errors="replace") as f:
                    if f.read().count(needle) >= count:
                        return True
            except OSError:
                pass
            time.sleep(0.01)
        return False


def check_audit_logs(dep):
    """After every participant stopped: each audit log verifies with its kit's key, signed
    heads included, and is sealed (a kill -9 leaves an unsealed log, which the restart records
    and seals again at its own shutdown)."""
    bad = []
    for who in ["server"] + SITES:
        log = os.path.join(dep.ws, who, "audit.log")
        if not os.path.exists(log):
            continue
        r = run(dep.cchost("audit", "verify", log, "--kit", os.path.join(dep.kits, who), "--root-fingerprint",
                           dep.fp), check=False)
        if r.returncode != 0:
            bad.append(f"{who}: audit log does not verify: {r.stdout.strip()}")
    return bad


def check_invariants(dep, job_ids):
    """What must hold after any fault, read from the running server. Returns the violations."""
    bad = []
    decided = {}
    server_log = os.path.join(dep.ws, "server", "audit.log")
    if os.path.exists(server_log):
        with open(server_log, errors="replace") as f:
            for line in f:
                try:
                    e = json.loads(line)
                except ValueError:
                    continue
                if e.get("type") == "job.decided":
                    jid = e.get("id") or e.get("job")
                    decided[jid] = decided.get(jid, 0) + 1
    for jid in job_ids:
        j = dep.job(jid)
        if j is None:
            bad.append(f"{jid}: lost (not in status)")
            continue
        if j.get("state") not in TERMINAL:
            bad.append(f"{jid}: not terminal (state {j.get('state')!r})")
        if j.get("state") == "failed" and not j.get("reason"):
            bad.append(f"{jid}: failed without a reason")
        for site, e in (j.get("excluded") or {}).items():
            if not (e.get("reason") or e.get("failed")):
                bad.append(f"{jid}: {site} excluded without a reason")
        sent = dep.payload_sha256(jid)
        for site in j.get("sites", []) if j.get("state") == "deployed" else []:
            got = file_sha256(os.path.join(dep.ws, site, "jobs", jid, "payload"))
            if got != sent:
                bad.append(f"{jid}: {site} shown deployed but holds {'no payload' if got is None else 'another payload'}")
        wanted = set(j.get("spec", {}).get("deploy_map", []))
        accounted = set(j.get("sites", [])) | set((j.get("excluded") or {}).keys())
        if j.get("state") == "deployed" and wanted - accounted:
            bad.append(f"{jid}: sites neither deployed nor excluded: {sorted(wanted - accounted)}")
        if decided.get(jid, 0) != 1:
            bad.append(f"{jid}: recorded {decided.get(jid, 0)} time(s) as job.decided (want 1)")
    return bad


# ---- scenarios: each returns (job ids, note); raises on a broken expectation -------------------

def sc_baseline(dep):
    dep.submit("base", SITES, 2)
    j = dep.wait_terminal("base", 60)
    expect(j and j["state"] == "deployed" and sorted(j["sites"]) == SITES, "all three deployed", j)
    return ["base"]


def sc_link_cut_mid_job(dep):
    dep.submit("cut-job", SITES, 2)
    dep.net.link("site-3", "down")
    j = dep.wait_terminal("cut-job", dep.args.timeout_s * 4 + 30)
    dep.net.link("site-3", "up")
    expect(j and j["state"] in TERMINAL, "terminal", j)
    if j["state"] == "deployed":
        expect("site-3" not in j["sites"] or "site-3" not in (j.get("excluded") or {}), "site-3 counted once", j)
    return ["cut-job"]


def sc_kill_site_mid_vote(dep):
    dep.submit("kill-vote", SITES, 2)
    # Every site's evidence appraised: the server is sending peer_verify now.
    expect(dep.wait_audit("server", "job.verify", len(SITES)), "the server appraises every site", None)
    dep.kill9("site-2")
    j = dep.wait_terminal("kill-vote", dep.args.timeout_s * 4 + 30)
    expect(j and j["state"] == "deployed" and "site-2" in (j.get("excluded") or {}),
           "deployed without site-2, site-2 excluded with a reason", j)
    dep.start("site-2")
    expect(dep.wait_registered(["site-2"], 60), "site-2 registers again after restart", None)
    return ["kill-vote"]


def sc_kill_site_mid_delivery(dep):
    dep.submit("kill-deliver", SITES, 2, payload_bytes=4 << 20)
    # The decision is recorded before the payload is sent: the site dies during delivery.
    expect(dep.wait_audit("server", "job.decided"), "the server decides", None)
    dep.kill9("site-1")
    j = dep.wait_terminal("kill-deliver", dep.args.timeout_s * 4 + 30)
    expect(j and j["state"] in TERMINAL, "terminal", j)
    dep.start("site-1")
    expect(dep.wait_registered(["site-1"], 60), "site-1 registers again after restart", None)
    return ["kill-deliver"]


def sc_kill_server_mid_job(dep):
    dep.submit("kill-srv", SITES, 2)
    time.sleep(0.3)
    dep.kill9("server")
    dep.start("server")
    expect(dep.wait_registered(SITES, 60), "all sites register with the restarted server", None)
    j = dep.wait_terminal("kill-srv", dep.args.timeout_s * 4 + 30)
    expect(j is not None and j["state"] in TERMINAL, "the interrupted job is terminal after restart", j)
    dep.submit("after-restart", SITES, 2)
    j2 = dep.wait_terminal("after-restart", 60)
    expect(j2 and j2["state"] == "deployed", "a new job deploys after the restart", j2)
    return ["kill-srv", "after-restart"]


def kill_server_at(dep, job_id, entry_type, count, payload_bytes=64):
    """Kills the server once its audit log holds COUNT entries of ENTRY_TYPE for this job,
    restarts it, and checks the job ends terminal, counted once, and a new job still deploys."""
    dep.submit(job_id, SITES, 2, payload_bytes=payload_bytes)
    expect(dep.wait_audit("server", entry_type, count), f"the server records {entry_type}", None)
    dep.kill9("server")
    dep.start("server")
    expect(dep.wait_registered(SITES, 60), "all sites register with the restarted server", None)
    j = dep.wait_terminal(job_id, dep.args.timeout_s * 6 + 30)
    expect(j is not None and j["state"] in TERMINAL, "the interrupted job is terminal after restart", j)
    dep.submit(job_id + "-next", SITES, 2)
    j2 = dep.wait_terminal(job_id + "-next", 60)
    expect(j2 and j2["state"] == "deployed", "a new job deploys after the restart", j2)
    return [job_id, job_id + "-next"]


def sc_loss_and_delay(dep):
    dep.submit("lossy", SITES, 2, payload_bytes=1 << 20)
    j = dep.wait_terminal("lossy", dep.args.timeout_s * 6 + 60)
    expect(j and j["state"] in TERMINAL, "terminal", j)
    if getattr(dep, "note", ""):
        lost = dep.net.dropped()
        expect(lost > 0, "the loss rules dropped packets", lost)
        dep.note += f", {lost} packets dropped"
    return ["lossy"]


class Broken(Exception):
    pass


def expect(ok, what, got):
    if not ok:
        raise Broken(f"expected {what}; got {json.dumps(got) if got is not None else 'nothing'}")


# (name, what happens before the sites start, the scenario body)
def prepare_default(dep):
    for who in ["server"] + SITES:
        dep.start(who)
    return dep.wait_registered(SITES, 60)


def prepare_cut_site3(dep):
    dep.net.link("site-3", "down")
    for who in ["server"] + SITES:
        dep.start(who)
    ok = dep.wait_registered(["site-1", "site-2"], 60)
    time.sleep(2)
    dep.net.link("site-3", "up")
    return ok and dep.wait_registered(SITES, 60)


def prepare_kill_server_early(dep):
    for who in SITES:
        dep.start(who)
    dep.start("server")
    dep.wait_audit("server", "registration", 1, 20)
    dep.kill9("server")
    dep.start("server")
    return dep.wait_registered(SITES, 60)


def prepare_kill_site_early(dep):
    for who in ["server"] + SITES:
        dep.start(who)
    # site-3's first register is on its way or being appraised.
    dep.wait_audit("server", "registration", 1, 20)
    dep.kill9("site-3")
    dep.start("site-3")
    return dep.wait_registered(SITES, 60)


def prepare_lossy(dep):
    # netem gives loss and delay; a kernel without it (CONFIG_NET_SCH_NETEM unset, as on the CI
    # machines) still gets the loss, from nftables, and the outcome line says which one ran.
    why = dep.net.netem(["loss", "10%", "delay", "20ms", "5ms"])
    if why:
        why_nft = dep.net.random_drop(10)
        if why_nft:
            raise Skip(f"neither tc netem ({why}) nor nftables ({why_nft})")
        dep.note = "10% loss via nftables; no delay (kernel lacks netem)"
    return prepare_default(dep)


class Skip(Exception):
    pass


SCENARIOS = [
    ("baseline", prepare_default, sc_baseline),
    ("link cut mid-registration (site-3), restored", prepare_cut_site3, lambda d: sc_after_prepare(d, "reg-cut")),
    ("kill -9 server mid-registration, restart", prepare_kill_server_early, lambda d: sc_after_prepare(d, "srv-reg")),
    ("kill -9 site-3 mid-registration, restart", prepare_kill_site_early, lambda d: sc_after_prepare(d, "site-reg")),
    ("link cut mid-job (site-3)", prepare_default, sc_link_cut_mid_job),
    ("kill -9 site-2 mid-vote, restart", prepare_default, sc_kill_site_mid_vote),
    ("kill -9 site-1 mid-delivery, restart", prepare_default, sc_kill_site_mid_delivery),
    ("kill -9 server mid-job, restart", prepare_default, sc_kill_server_mid_job),
    ("kill -9 server mid-vote, restart", prepare_default,
     lambda d: kill_server_at(d, "srv-vote", "job.verify", len(SITES))),
    ("kill -9 server mid-delivery, restart", prepare_default,
     lambda d: kill_server_at(d, "srv-deliver", "job.decided", 1, payload_bytes=4 << 20)),
    ("10% loss (+ 20 ms delay with netem) on every link", prepare_lossy, sc_loss_and_delay),
]


def sc_after_prepare(dep, job_id):
    dep.submit(job_id, SITES, 2)
    j = dep.wait_terminal(job_id, 60)
    expect(j and j["state"] == "deployed" and sorted(j["sites"]) == SITES, "all three deployed", j)
    return [job_id]


def provision(args, root):
    proj = os.path.join(root, "project")
    os.makedirs(os.path.join(proj, "policies"))
    server_policy = '[policy]\nname = "faults-server"\nrequire = ["x-snp"]\nallow_simulated = true\n' \
                    'peer_trust = "decline"\n'
    site_policy = '[policy]\nname = "faults-site"\nrequire = ["x-snp"]\nallow_simulated = true\n'
    with open(os.path.join(proj, "policies", "server.toml"), "w") as f:
        f.write(server_policy)
    with open(os.path.join(proj, "policies", "site.toml"), "w") as f:
        f.write(site_policy)
    with open(os.path.join(proj, "project.toml"), "w") as f:
        f.write(PROJECT.format(timeout=f"{args.timeout_s}s", server=SERVER_ADDR, port=PORT,
                               sites="".join(SITE.format(name=s) for s in SITES)))
    kits = os.path.join(root, "kits")
    r = run([os.path.join(args.bin, "ccprovision"), "--project", os.path.join(proj, "project.toml"), "--out", kits,
             "--plugin-dir", args.plugins, "--state", os.path.join(root, "state")])
    # The pin travels outside the kits (ccprovision writes it beside them, never inside one).
    with open(os.path.join(kits, "root.fingerprint")) as f:
        fp = f.read().strip()
    if len(fp) != 64:
        raise RuntimeError(f"ccprovision wrote no usable root fingerprint: {fp!r}")
    return kits, fp


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--bin", required=True, help="folder with cchost and ccprovision")
    ap.add_argument("--plugins", required=True, help="folder with the authorizer plugins")
    ap.add_argument("--timeout-s", type=int, default=4, help="the project's request_timeout")
    ap.add_argument("--only", help="run only scenarios whose name contains this")
    ap.add_argument("--keep", action="store_true", help="keep the scratch folder")
    args = ap.parse_args()

    if os.geteuid() != 0:
        print("SKIP: the fault suite needs root for network namespaces")
        return SKIP
    why = netns_permitted()
    if why:
        print(f"SKIP: network namespaces are not permitted here: {why}")
        return SKIP

    root = tempfile.mkdtemp(prefix="cchost-faults-")
    kits, fp = provision(args, root)
    rows, failures = [], 0
    tag = str(os.getpid() % 10000)
    for n, (name, prepare, body) in enumerate(SCENARIOS):
        if args.only and args.only not in name:
            continue
        scratch = os.path.join(root, f"scenario-{n}")
        os.makedirs(scratch)
        net = Network(f"{tag}{n}")
        dep = Deployment(args, scratch, net, kits, fp)
        outcome, took, jobs = "", "", []
        try:
            net.up(["server"] + SITES)
            if not prepare(dep):
                raise Broken("not every site registered")
            t0 = time.time()
            jobs = body(dep)
            took = f"{time.time() - t0:.1f} s"
            bad = check_invariants(dep, jobs)
            states = []
            for jid in jobs:
                j = dep.job(jid) or {}
                excl = ",".join(sorted((j.get("excluded") or {}).keys()))
                states.append(f"{jid}: {j.get('state')} to {len(j.get('sites', []))}" +
                              (f", excluded {excl}" if excl else ""))
            dep.stop_all()
            bad += check_audit_logs(dep)
            if bad:
                raise Broken("; ".join(bad))
            outcome = "ok: " + "; ".join(states) + (f" ({dep.note})" if getattr(dep, "note", "") else "")
        except Skip as s:
            outcome = f"SKIP: {s}"
        except (Broken, RuntimeError) as e:
            outcome = f"FAIL: {e} (logs: {dep.logs})"
            failures += 1
            args.keep = True
        finally:
            dep.stop_all()
            net.down()
        rows.append((name, outcome, took))
        print(f"{name:48} {took:>8}  {outcome}", flush=True)

    print()
    print("| scenario | outcome | submit to decision |")
    print("|---|---|---|")
    for name, outcome, took in rows:
        print(f"| {name} | {outcome} | {took or '-'} |")
    if not args.keep:
        shutil.rmtree(root, ignore_errors=True)
    print(f"faults: {len(rows) - failures} passed, {failures} failed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
