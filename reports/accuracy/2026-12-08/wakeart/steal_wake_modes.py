import json,sys
for f in sys.argv[1:]:
    L=[json.loads(l) for l in open(f)]; L=[l for l in L if l.get('type')=='latency']
    spin=float(L[0]['params']['spin_us'])*1000
    x=[l['notifySendNs']-l['sendNs']+l['holdNs'] for l in L]; med=sorted(x)[len(x)//2]
    fast=[l['ns']<0.95*spin for l in L]
    hi=[v>=med for v in x]
    a=sum(1 for h,f in zip(hi,fast) if h and f); b=sum(1 for h,f in zip(hi,fast) if h and not f)
    c=sum(1 for h,f in zip(hi,fast) if not h and f); d=sum(1 for h,f in zip(hi,fast) if not h and not f)
    print(f.split('/')[-1], 'n',len(L),'median unpark_halted sample %.1f us'%(med/1000),'| above median: fast %d slow %d | below: fast %d slow %d'%(a,b,c,d), 'agree %.0f%%'%(100*(a+d)/len(L)))
