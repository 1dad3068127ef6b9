#!/usr/bin/env python3
"""A CIB for checking priority-fencing-delay against Pacemaker: NODES nodes (node1..),
node1 the DC, the LOST ones left the membership (unclean), one stonith device on node1,
and resources with a priority meta attribute active where PRIORITIES say.

Usage: gen-fence-cib.py NODES LOST PRIORITIES DELAY
  LOST        comma-separated node names ("" for none)
  PRIORITIES  comma-separated NODE:SPEC, SPEC a priority (a primitive running there), gP
              (a group with priority P, its one member running there) or fP (a primitive
              running there whose last monitor failed)
  DELAY       the priority-fencing-delay property ("" to leave it unset)
"""
import sys


def op(rsc, node, task, interval, rc, call):
    return ('<lrm_rsc_op id="%s_%s_%d" operation_key="%s_%s_%d" operation="%s" '
            'crm-debug-origin="gen" crm_feature_set="3.16.2" transition-key="%d:1:0:gen" '
            'transition-magic="0:%d;%d:1:0:gen" call-id="%d" rc-code="%d" op-status="0" '
            'interval="%d" last-rc-change="1700000000" exec-time="1" queue-time="0" '
            'on_node="%s"/>' % (rsc, task, interval, rsc, task, interval, task, call, rc, call,
                                 call, rc, interval, node))


def main():
    count = int(sys.argv[1])
    lost = set(x for x in sys.argv[2].split(',') if x)
    specs = [x.split(':') for x in sys.argv[3].split(',') if x]
    delay = sys.argv[4]
    names = ['node%d' % i for i in range(1, count + 1)]
    rscs = ['<primitive id="fence" class="stonith" type="fence_xvm"><instance_attributes '
            'id="fence-ia"><nvpair id="fence-hosts" name="pcmk_host_list" value="%s"/>'
            '</instance_attributes></primitive>' % ' '.join(names)]
    lrm = {n: [] for n in names}
    lrm['node1'].append('<lrm_resource id="fence" class="stonith" type="fence_xvm">%s'
                        '</lrm_resource>' % op('fence', 'node1', 'start', 0, 0, 2))
    for k, (node, spec) in enumerate(specs):
        rid = 'r%d' % k
        kind = spec[0] if spec[0] in 'gf' else ''
        prio = spec[len(kind):]
        meta = ('<meta_attributes id="%%s-meta"><nvpair id="%%s-prio" name="priority" '
                'value="%s"/></meta_attributes>' % prio)
        prim = ('<primitive id="%s" class="ocf" provider="pacemaker" type="Dummy">%s'
                '</primitive>' % (rid, meta % (rid, rid) if kind != 'g' else ''))
        rscs.append('<group id="g%d">%s%s</group>' % (k, meta % ('g%d' % k, 'g%d' % k), prim)
                    if kind == 'g' else prim)
        ops = op(rid, node, 'start', 0, 0, 10 + k)
        if kind == 'f':
            ops += op(rid, node, 'monitor', 10000, 1, 30 + k)
        lrm[node].append('<lrm_resource id="%s" class="ocf" provider="pacemaker" type="Dummy">'
                         '%s</lrm_resource>' % (rid, ops))
    props = ('<nvpair id="o-st" name="stonith-enabled" value="true"/>'
             '<nvpair id="o-nqp" name="no-quorum-policy" value="ignore"/>')
    if delay:
        props += '<nvpair id="o-pfd" name="priority-fencing-delay" value="%s"/>' % delay
    status = ''.join(
        '<node_state id="%d" uname="%s" in_ccm="%s" crmd="%s" join="member" '
        'expected="member"><lrm id="%d"><lrm_resources>%s</lrm_resources></lrm></node_state>'
        % (i, n, 'false' if n in lost else 'true', 'offline' if n in lost else 'online', i,
           ''.join(lrm[n])) for i, n in enumerate(names, 1))
    print('<cib crm_feature_set="3.16.2" validate-with="pacemaker-3.9" epoch="1" '
          'num_updates="0" admin_epoch="0" have-quorum="1" dc-uuid="1"><configuration>'
          '<crm_config><cluster_property_set id="cps">%s</cluster_property_set></crm_config>'
          '<nodes>%s</nodes><resources>%s</resources><constraints/></configuration>'
          '<status>%s</status></cib>'
          % (props, ''.join('<node id="%d" uname="%s"/>' % (i, n)
                            for i, n in enumerate(names, 1)), ''.join(rscs), status))


if __name__ == '__main__':
    main()
