import json,sys,statistics as st
for f in sys.argv[1:]:
  t=json.load(open(f))
  ev=sorted([e for e in t['traceEvents'] if e.get('ph')=='X'],key=lambda e:e['ts'])
  # rounds: clusters of polls separated by > 600us idle gaps from prior poll end
  rounds=[];cur=[];last_end=-1e9
  for e in ev:
    if e['ts']-last_end>600 and cur: rounds.append(cur);cur=[]
    cur.append(e); last_end=max(last_end,e['ts']+e.get('dur',0)) if cur[:-1] else e['ts']+e.get('dur',0)
  rounds.append(cur)
  gaps=[r2[0]['ts']-r1[0]['ts'] for r1,r2 in zip(rounds,rounds[1:])]
  before=[];after=[];ncoord=[];bpp=[]
  for r in rounds:
    ci=[i for i,e in enumerate(r) if e['name']=='coordinator']
    ncoord.append(len(ci))
    if not ci: continue
    c0=ci[0]
    before.append(sum(1 for e in r[:c0] if e['name'].startswith('partition')))
    after.append(sum(1 for e in r[c0:] if e['name'].startswith('partition')))
  for e in ev:
    if e['name'].startswith('partition'): bpp.append(round(e['dur']/163))
  import collections
  print(f.split('/')[-1], 'rounds',len(rounds),'gap med',st.median(gaps),'coord/round',collections.Counter(ncoord),'partition polls before coord',collections.Counter(before),'after',collections.Counter(after),'batches/poll',collections.Counter(bpp))
