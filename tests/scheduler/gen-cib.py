#!/usr/bin/env python3
"""Seeded generator of random CIBs inside Vigil's subset, for differential tests against
Pacemaker (crm_simulate). The same seed always gives the same CIB.

    gen-cib.py SEED [--max-nodes N] [--max-primitives N]

Covers: 2-16 nodes; primitives (ocf, systemd, stonith) alone and in groups; location
(score and rules), colocation and order constraints; standby and maintenance nodes;
online, offline, lost, pending, half-dead and never-seen nodes; operation histories with
probes, starts, stops and monitors that succeeded, failed, timed out or are pending;
fail-counts; on-fail, target-role, is-managed, failure-timeout, migration-threshold,
stickiness, priority, multiple-active; stonith on and off; quorum lost; no-quorum-policy.
"""
import argparse
import random
from xml.sax.saxutils import quoteattr

EXEC_DATE = 1700000000  # the CIB's execution-date: all times are relative to it


class Gen:
    def __init__(self, seed, max_nodes, max_prims):
        self.r = random.Random(seed)
        self.max_nodes = max_nodes
        self.max_prims = max_prims
        self.call_id = 0
        self.out = []

    def chance(self, p):
        return self.r.random() < p

    def emit(self, text):
        self.out.append(text)

    @staticmethod
    def attrs(**kv):
        def name(k):
            return {"call_id": "call-id", "operation_key": "operation_key",
                    "on_node": "on_node"}.get(k, k.replace("_", "-"))
        return "".join(f" {name(k)}={quoteattr(str(v))}" for k, v in kv.items()
                       if v is not None)

    # --- configuration -------------------------------------------------------------------
    def make_model(self):
        r = self.r
        self.nodes = [f"node{i}" for i in range(1, r.randint(2, self.max_nodes) + 1)]
        r.shuffle(self.nodes)  # CIB order is not name order
        self.stonith = self.chance(0.6)
        self.have_device = self.stonith and self.chance(0.85)
        self.quorum = self.chance(0.8)
        self.nqp = r.choice(["stop", "freeze", "ignore", "stop"])
        self.maint_mode = self.chance(0.04)
        nprims = r.randint(1, self.max_prims)
        self.prims = []   # (id, class, provider, type, group or None)
        self.groups = []
        gi = 0
        i = 0
        while i < nprims:
            if self.chance(0.3) and nprims - i >= 2:
                size = r.randint(2, min(5, nprims - i))
                gid = f"grp{gi}"
                gi += 1
                self.groups.append(gid)
                for _ in range(size):
                    self.prims.append(self.new_prim(i, gid))
                    i += 1
            else:
                self.prims.append(self.new_prim(i, None))
                i += 1
        if self.have_device:
            self.prims.insert(0, ("fence0", "stonith", None, "fence_xvm", None))

    def new_prim(self, i, group):
        kind = self.r.choice(["dummy", "dummy", "ip", "systemd"])
        if kind == "dummy":
            return (f"rsc{i}", "ocf", "pacemaker", "Dummy", group)
        if kind == "ip":
            return (f"ip{i}", "ocf", "heartbeat", "IPaddr2", group)
        return (f"svc{i}", "systemd", None, "haproxy", group)

    def meta(self, rid):
        r = self.r
        pairs = []
        if self.chance(0.1):
            pairs.append(("target-role", r.choice(["Stopped", "Started", "stopped"])))
        if self.chance(0.08):
            pairs.append(("is-managed", "false"))
        if self.chance(0.1):
            pairs.append(("failure-timeout", r.choice(["60s", "10", "1h"])))
        if self.chance(0.1):
            pairs.append(("migration-threshold", str(r.randint(1, 3))))
        if self.chance(0.1):
            pairs.append(("resource-stickiness", r.choice(["100", "INFINITY", "0"])))
        if self.chance(0.1):
            pairs.append(("priority", str(r.randint(0, 10))))
        if self.chance(0.05):
            pairs.append(("multiple-active", r.choice(["block", "stop_start", "stop_only"])))
        if self.chance(0.03):
            pairs.append(("maintenance", "true"))
        if not pairs:
            return ""
        body = "".join(f'<nvpair id="{rid}-m-{n}" name="{n}" value="{v}"/>' for n, v in pairs)
        return f'<meta_attributes id="{rid}-meta">{body}</meta_attributes>'

    def ops(self, rid, cls):
        self.on_fail = {}
        if cls == "stonith":
            return f'<operations><op id="{rid}-mon" name="monitor" interval="60s"/></operations>'
        mon_fail = self.r.choice([None, None, "ignore", "block", "stop", "restart", "fence",
                                  "standby"])
        stop_fail = self.r.choice([None, None, None, "block", "ignore", "fence"])
        self.on_fail[rid] = (mon_fail, stop_fail)
        mon = self.attrs(id=f"{rid}-mon", name="monitor", interval="10s", on_fail=mon_fail)
        stop = self.attrs(id=f"{rid}-stop", name="stop", interval="0", on_fail=stop_fail)
        return f"<operations><op{mon}/><op{stop}/></operations>"

    def primitive(self, p):
        rid, cls, prov, typ, _ = p
        a = self.attrs(id=rid, **{"class": cls}, provider=prov, type=typ)
        return f"<primitive{a}>{self.meta(rid)}{self.ops(rid, cls)}</primitive>"

    def emit_resources(self):
        self.emit("<resources>")
        done = set()
        for p in self.prims:
            g = p[4]
            if g is None:
                self.emit(self.primitive(p))
            elif g not in done:
                done.add(g)
                members = "".join(self.primitive(q) for q in self.prims if q[4] == g)
                self.emit(f'<group id="{g}">{self.meta(g)}{members}</group>')
        self.emit("</resources>")

    def rsc_ids(self):
        ids = [p[0] for p in self.prims if p[1] != "stonith" and p[4] is None]
        return ids + self.groups

    def emit_constraints(self):
        r = self.r
        ids = self.rsc_ids()
        self.emit("<constraints>")
        for i in range(r.randint(0, min(6, len(ids) * 2))):
            kind = r.choice(["loc", "loc", "rule", "col", "order"])
            a = r.choice(ids)
            if kind == "loc":
                score = r.choice(["INFINITY", "-INFINITY", "100", "-50", "10"])
                self.emit(f'<rsc_location id="loc{i}" rsc="{a}" node="{r.choice(self.nodes)}" '
                          f'score="{score}"/>')
            elif kind == "rule":
                op = r.choice(["eq", "ne"])
                self.emit(f'<rsc_location id="loc{i}" rsc="{a}"><rule id="loc{i}-r" '
                          f'score="{r.choice(["-INFINITY", "50"])}"><expression id="loc{i}-e" '
                          f'attribute="#uname" operation="{op}" '
                          f'value="{r.choice(self.nodes)}"/></rule></rsc_location>')
            elif len(ids) >= 2:
                b = r.choice([x for x in ids if x != a])
                if kind == "col":
                    score = r.choice(["INFINITY", "-INFINITY", "200"])
                    self.emit(f'<rsc_colocation id="col{i}" rsc="{a}" with-rsc="{b}" '
                              f'score="{score}"/>')
                else:
                    kind_attr = r.choice(["Mandatory", "Optional"])
                    self.emit(f'<rsc_order id="ord{i}" first="{a}" then="{b}" '
                              f'kind="{kind_attr}"/>')
        self.emit("</constraints>")

    def emit_nodes(self):
        self.emit("<nodes>")
        for n in self.nodes:
            attrs = []
            if self.chance(0.12):
                attrs.append(("standby", self.r.choice(["on", "true"])))
            if self.chance(0.06):
                attrs.append(("maintenance", "true"))
            body = "".join(f'<nvpair id="{n}-{k}" name="{k}" value="{v}"/>' for k, v in attrs)
            ia = f'<instance_attributes id="{n}-ia">{body}</instance_attributes>' if attrs else ""
            self.emit(f'<node id="{n[4:]}" uname="{n}">{ia}</node>')
        self.emit("</nodes>")

    def emit_config(self):
        props = [("stonith-enabled", "true" if self.stonith else "false"),
                 ("no-quorum-policy", self.nqp)]
        if self.maint_mode:
            props.append(("maintenance-mode", "true"))
        if self.chance(0.2):
            props.append(("startup-fencing", "false"))
        body = "".join(f'<nvpair id="opt-{k}" name="{k}" value="{v}"/>' for k, v in props)
        self.emit(f'<configuration><crm_config><cluster_property_set id="cib-bootstrap-options">'
                  f'{body}</cluster_property_set></crm_config>')
        self.emit_nodes()
        self.emit_resources()
        self.emit_constraints()
        self.emit("</configuration>")

    # --- status ----------------------------------------------------------------------------
    NODE_STATES = [
        ("true", "online", "member", "member"),     # healthy member
        ("true", "online", "member", "member"),
        ("true", "online", "member", "member"),
        ("false", "offline", "down", "down"),       # cleanly down
        ("false", "offline", "down", "member"),     # lost
        ("true", "offline", "member", "member"),    # controller gone
        ("true", "online", "pending", "member"),    # joining
    ]

    def op(self, rid, task, interval, rc, status=0, target=0, age=None, key=None):
        self.call_id += 1
        call = self.call_id if status != -1 else -1
        age = self.r.randint(5, 20000) if age is None else age
        opkey = key or f"{rid}_{task}_{interval}"
        a = self.attrs(id=f"{opkey}_{self.call_id}", operation_key=f"{rid}_{task}_{interval}",
                       operation=task, interval=interval, call_id=call, rc_code=rc,
                       op_status=status, transition_key=f"1:1:{target}:x-x-x-x",
                       # written by the controller on every operation, as
                       # "OP-STATUS:RC;TRANSITION-KEY"; Pacemaker orders pending
                       # operations by it (pe__is_newer_op)
                       transition_magic=f"{status}:{rc};1:1:{target}:x-x-x-x",
                       last_rc_change=EXEC_DATE - age)
        return f"<lrm_rsc_op{a}/>"

    def history(self, p):
        """A plausible, sometimes broken, history of one resource on one node."""
        rid = p[0]
        r = self.r
        ops = [self.op(rid, "monitor", 0, r.choice([7, 7, 7, 0, 5]), target=7)]
        roll = r.random()
        if roll < 0.45:
            return ops  # probed only
        start_rc, start_status = r.choice([(0, 0), (0, 0), (0, 0), (1, 4), (1, 2)])
        ops.append(self.op(rid, "start", 0, start_rc, start_status))
        if roll < 0.75:
            mon_rc = r.choice([0, 0, 0, 7, 1])
            ops.append(self.op(rid, "monitor", 10000, mon_rc,
                               0 if mon_rc == 0 else r.choice([0, 4])))
        if roll > 0.85:
            stop_rc = r.choice([0, 0, 1])
            ops.append(self.op(rid, "stop", 0, stop_rc, 0 if stop_rc == 0 else 4))
        if self.chance(0.05):
            ops.append(self.op(rid, r.choice(["start", "stop"]), 0, 0, status=-1))
        r.shuffle(ops) if self.chance(0.1) else None  # document order need not be call order
        return ops

    def emit_node_state(self, n):
        r = self.r
        ccm, crmd, join, exp = r.choice(self.NODE_STATES)
        self.emit(f'<node_state id="{n[4:]}" uname="{n}" in_ccm="{ccm}" crmd="{crmd}" '
                  f'join="{join}" expected="{exp}">')
        fails = []
        self.emit(f'<lrm id="{n[4:]}"><lrm_resources>')
        for p in self.prims:
            if not self.chance(0.6):
                continue
            a = self.attrs(id=p[0], **{"class": p[1]}, provider=p[2], type=p[3])
            self.emit(f"<lrm_resource{a}>{''.join(self.history(p))}</lrm_resource>")
            if self.chance(0.1):
                fails.append(p[0])
        self.emit("</lrm_resources></lrm>")
        if fails:
            body = "".join(f'<nvpair id="{n}-fc-{f}" name="fail-count-{f}#monitor_10000" '
                           f'value="{r.choice(["1", "3", "INFINITY"])}"/>' for f in fails)
            self.emit(f'<transient_attributes id="{n[4:]}"><instance_attributes id="{n}-t">'
                      f"{body}</instance_attributes></transient_attributes>")
        self.emit("</node_state>")

    def emit_status(self):
        self.emit("<status>")
        for n in self.nodes:
            if self.chance(0.9):  # the rest were never seen
                self.emit_node_state(n)
        self.emit("</status>")

    def cib(self):
        self.make_model()
        self.emit(f'<cib admin_epoch="0" epoch="1" num_updates="0" '
                  f'validate-with="pacemaker-3.9" have-quorum="{int(self.quorum)}" '
                  f'execution-date="{EXEC_DATE}">')
        self.emit_config()
        self.emit_status()
        self.emit("</cib>")
        return "\n".join(self.out) + "\n"


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("seed", type=int)
    ap.add_argument("--max-nodes", type=int, default=16)
    ap.add_argument("--max-primitives", type=int, default=200)
    a = ap.parse_args()
    print(Gen(a.seed, max(2, a.max_nodes), max(1, a.max_primitives)).cib(), end="")


if __name__ == "__main__":
    main()
