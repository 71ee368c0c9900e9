import sys,re,collections
txt=sys.argv[1]; pid=sys.argv[2]
ev=[]; names={}
for l in open(txt):
    m=re.match(r'\s*(\S.*?)\s+(\d+)/(\d+)\s+\[(\d+)\]\s+([\d.]+):\s+(\S+):\s*(.*)',l)
    if not m: continue
    comm,p,tid,cpu,t,e,rest=m.groups(); t=float(t)*1e6
    if p==pid: names[tid]=comm
    ev.append((t,p,tid,int(cpu),e,rest))
srcs=sorted(t for t,c in names.items() if c.startswith('dispatchsim-sou'))
wks=sorted(t for t,c in names.items() if c.startswith('tokio-r'))
print('sources',srcs,'workers',wks)
# timed futex addr = driver
drvaddr=collections.Counter()
for t,p,tid,cpu,e,r in ev:
    if p==pid and e=='syscalls:sys_enter_futex' and tid in wks and 'op: 0x00000089' in r and 'utime: 0x00000000' not in r:
        drvaddr[re.search(r'uaddr: (\S+),',r).group(1)]+=1
drv=set(a for a,c in drvaddr.items() if c>20)
state={}; oncpu={}; lastcpu={}
rows=[]; cur=None
for t,p,tid,cpu,e,r in ev:
    if e=='sched:sched_switch':
        prev=re.search(r'prev_pid=(\d+)',r).group(1); nxt=re.search(r'next_pid=(\d+)',r).group(1)
        oncpu[cpu]=nxt; lastcpu[nxt]=cpu
        if cur and nxt==cur.get('Y') and 'Yin' not in cur and 'Ywake' in cur:
            cur['Yin']=t; cur['Ycpu']=cpu
        if cur and nxt==cur.get('X') and 'Xin' not in cur:
            cur['Xin']=t; cur['Xcpu']=cpu
    if p!=pid: continue
    if e=='syscalls:sys_enter_futex' and tid in wks:
        ua=re.search(r'uaddr: (\S+),',r).group(1); op=re.search(r'op: (\S+),',r).group(1)
        if op.endswith('89'): state[tid]='drv' if ua in drv else 'cv'
    elif e=='syscalls:sys_exit_futex' and tid in wks:
        if state.get(tid) in ('drv','cv') and r.strip().endswith('ffffff92') and cur and 'Ywake' not in cur and state[tid]=='drv':
            cur['Ytimeout']=t
        state[tid]='run'
    elif e=='syscalls:sys_exit_clock_nanosleep' and tid in srcs:
        cur={'src':tid,'send':t,'scpu':cpu}; rows.append(cur)
    elif e=='sched:sched_wakeup' and cur:
        tgt=re.search(r' pid=(\d+)',r).group(1); tc=int(re.search(r'target_cpu=(\d+)',r).group(1))
        if tgt in wks:
            if tid==cur['src'] and 'X' not in cur:
                cur['X']=tgt; cur['Xst']=state.get(tgt); cur['Xtc']=tc
            elif tid==cur.get('X') and 'Y' not in cur:
                cur['Y']=tgt; cur['Yst']=state.get(tgt); cur['Ywake']=t; cur['Ytc']=tc; cur['wcpu']=cpu
for s in srcs:
    R=[x for x in rows if x['src']==s]
    ch=[x for x in R if x.get('Xst')=='cv' and x.get('Yst')=='drv' and 'Yin' in x]
    d=sorted(x['Yin']-x['Ywake'] for x in ch)
    same=sum(1 for x in ch if x['Ycpu']==x['wcpu'])
    fromX=sorted(x['Ywake']-x['send'] for x in ch)
    kinds=collections.Counter((x.get('Xst'),x.get('Yst')) for x in R)
    n=len(d)
    print(s,len(R),dict(kinds)) if not n else None
    if n: print(s,len(R),'batches',dict(kinds),'| chain n',n,'Y run after notify p10 %.0f p50 %.0f p90 %.0f'%(d[n//10],d[n//2],d[9*n//10]),'>100:',sum(1 for v in d if v>100),'Y on waker cpu',same,'| notify after send p50 %.0f'%fromX[n//2], 'tgt==wcpu', sum(1 for x in ch if x['Ytc']==x['wcpu']))
print('--- X (woken by source) latency, by X state')
for s in srcs:
    R=[x for x in rows if x['src']==s and 'Xin' in x]
    for st in ('cv','drv'):
        d=sorted(x['Xin']-x['send'] for x in R if x.get('Xst')==st)
        n=len(d)
        if n: print(s,st,n,'send->X on cpu p10 %.0f p50 %.0f p90 %.0f'%(d[n//10],d[n//2],d[9*n//10]), 'X on src cpu', sum(1 for x in R if x.get('Xst')==st and x['Xcpu']==x['scpu']))
