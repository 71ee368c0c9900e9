import json,sys,statistics
def load(f): return {(r['scenario'],r['metric']):r for r in json.load(open(f))}
def summ(d,fl='multi_thread'):
    out={}
    for m in ('p50','p99'):
        rows=[r for (s,mm),r in d.items() if r['flavor']==fl and mm==m]
        e=statistics.median(abs(r['errorPct']) for r in rows)
        cov=[r['coveragePct'] for r in rows if r.get('coveragePct') is not None]
        out[m]=(len(rows),e,statistics.mean(cov) if cov else None)
    return out
a=load(sys.argv[1]); b=load(sys.argv[2])
for fl in ('multi_thread','current_thread'):
    sa,sb=summ(a,fl),summ(b,fl)
    for m in ('p50','p99'):
        print(fl,m,'n=%d |err| %.1f%% -> %.1f%%  cov %.0f%% -> %.0f%%'%(sa[m][0],sa[m][1],sb[m][1],sa[m][2],sb[m][2]))
print('rows that moved (p50/p99/throughput, |Δerr| >= 3 points):')
for k in sorted(a):
    if k[1] not in ('p50','p99','throughput'): continue
    ra,rb=a[k],b.get(k)
    if rb and abs(ra['errorPct']-rb['errorPct'])>=3:
        print('  %-48s %-10s %+7.1f%% -> %+7.1f%%  (pred %s -> %s, measured %s; cov %s -> %s)'%(k[0],k[1],ra['errorPct'],rb['errorPct'],round(ra['predicted'],1),round(rb['predicted'],1),round(ra['measured'],1),ra.get('coveragePct'),rb.get('coveragePct')))
