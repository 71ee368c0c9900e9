import json,sys,statistics
def score(f):
  rows=json.load(open(f)); out={}
  for fl in ('current_thread','multi_thread'):
    for m in ('p50','p99'):
      rs=[r for r in rows if r['flavor']==fl and r['metric']==m and r.get('errorPct') is not None]
      errs=sorted(abs(r['errorPct']) for r in rs)
      cov=[r['coveragePct'] for r in rs if r.get('coveragePct') is not None]
      p90=errs[int(0.9*(len(errs)-1))] if errs else None
      out[(fl,m)]=(statistics.median(errs), p90, statistics.mean(cov) if cov else None, len(rs))
  return out
for f in sys.argv[1:]:
  s=score(f); print(f)
  for k,v in s.items(): print('  %-15s %-4s med %5.1f p90 %5.1f cov %5.1f n %d'%(k[0],k[1],v[0],v[1],v[2] or -1,v[3]))
