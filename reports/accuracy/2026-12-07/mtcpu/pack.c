// Where does a woken thread run? Waker A sleeps GAP us, stamps, signals W (parked on a condvar),
// then spins SPIN us. W records its wake latency and both CPUs.
#define _GNU_SOURCE
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>
static pthread_mutex_t m = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cv = PTHREAD_COND_INITIALIZER;
static volatile int flag = 0;
static volatile long long sent_ns; static volatile int cpuA_at_send;
static long long now(){struct timespec t;clock_gettime(CLOCK_MONOTONIC,&t);return t.tv_sec*1000000000LL+t.tv_nsec;}
static int N, GAP, SPIN, PRE;
static long long lat[100000]; static int ca[100000], cw[100000], cw_before[100000];
static void* w(void*_){
  for(int i=0;i<N;i++){
    pthread_mutex_lock(&m);
    cw_before[i]=sched_getcpu();
    while(!flag) pthread_cond_wait(&cv,&m);
    flag=0; pthread_mutex_unlock(&m);
    long long t=now(); lat[i]=t-sent_ns; cw[i]=sched_getcpu(); ca[i]=cpuA_at_send;
  }
  return 0;
}
int main(int c,char**v){N=atoi(v[1]);GAP=atoi(v[2]);SPIN=atoi(v[3]);PRE=c>4?atoi(v[4]):0;
  pthread_t th; pthread_create(&th,0,w,0);
  usleep(10000);
  for(int i=0;i<N;i++){
    usleep(GAP); { long long e0=now()+PRE*1000LL; while(now()<e0); }
    pthread_mutex_lock(&m); flag=1; cpuA_at_send=sched_getcpu(); sent_ns=now(); pthread_cond_signal(&cv); pthread_mutex_unlock(&m);
    long long e=now()+SPIN*1000LL; while(now()<e);
    usleep(200);
  }
  pthread_join(th,0);
  for(int i=0;i<N;i++) printf("%lld %d %d %d\n",lat[i],ca[i],cw[i],cw_before[i]);
}
