"""Per-request CPU by thread group for each round-1 phase of a LoadHarness throughput run.

Reads the samples written by thread-cpu.sh and the harness's console log (for each round's end
time and rate); a round's window is its last 5 seconds. Usage: thread-cpu-report.py SAMPLES LOG
"""
import collections, datetime, calendar, sys, re
log=open(sys.argv[2]).read()
rows=[l.split() for l in open(sys.argv[1])]
by=collections.defaultdict(dict)
for row in rows:
    t,n=row[0],row[1]; vals=[int(x) for x in row[2:7]]
    d=by[int(t)]; prev=d.get(n,[0]*5); d[n]=[p+v for p,v in zip(prev,vals)]
times=sorted(by)
def ep(hms):
    d=datetime.datetime.utcnow().date(); h,m,s=map(int,hms.split(':')); return calendar.timegm((d.year,d.month,d.day,h,m,s))
lines=re.findall(r'\[(\d\d:\d\d:\d\d)\]\s+(.*)',log)
ends={}
for hms,txt in lines:
    m=re.match(r'(round 1 bare:|round 1 bare, body:|round 1 Wacanda:|diagnostic, Wacanda without inbox workers:)\s+([\d,]+)',txt)
    if m: ends[m.group(1)]=(ep(hms),int(m.group(2).replace(',','')))
def group(n):
    for p in ['wacanda-http','bare-http','HTTP-Dispatcher','wacanda-inbox','GC_Thread','G1','C2','C1','java']:
        if n.startswith(p): return p
    return 'other'
for name,(end,rate) in ends.items():
    inside=[t for t in times if end-6<=t<=end-1]
    a,b=inside[0],inside[-1]
    r=rate*(b-a)
    agg=collections.defaultdict(lambda:[0]*5)
    for n in by[b]:
        x0=by[a].get(n,[0]*5); x1=by[b][n]
        g=agg[group(n)]
        for i in range(5): g[i]+=x1[i]-x0[i]
    tot=sum(v[0]+v[1] for v in agg.values())*1e4/r
    print(f"{name:45s} total {tot:5.1f} us/req")
    for g,v in sorted(agg.items()):
        if v[0]+v[1]>0: print(f"     {g:16s} user {v[0]*1e4/r:5.1f} sys {v[1]*1e4/r:5.1f} us/req  minflt/req {v[2]/r:.3f}  vol cs/req {v[3]/r:.3f}  invol cs/req {v[4]/r:.3f}")
