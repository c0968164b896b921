package web

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/binary"
	"net"
	"net/http"
	"strings"
	"sync"
	"time"
)

// maxClients bounds the clients the limiter remembers: beyond it the
// idlest are forgotten first.
const maxClients = 100000

// limiter bounds the requests of each client with a token bucket. A client
// is a keyed hash of its address under a key drawn at start, kept in memory
// only: no address is stored or logged, and the keys mean nothing after a
// restart.
type limiter struct {
	rate, burst float64
	mu          sync.Mutex
	buckets     map[uint64]*bucket
}

type bucket struct {
	tokens float64
	at     time.Time
}

func newLimiter(rate, burst float64) *limiter {
	return &limiter{rate: rate, burst: burst, buckets: map[uint64]*bucket{}}
}

// allow takes one token from a client's bucket, if it has one.
func (l *limiter) allow(client uint64, now time.Time) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	b := l.buckets[client]
	if b == nil {
		if len(l.buckets) >= maxClients {
			l.forgetLocked(now, true)
		}
		b = &bucket{tokens: l.burst, at: now}
		l.buckets[client] = b
	}
	b.tokens = min(l.burst, b.tokens+now.Sub(b.at).Seconds()*l.rate)
	b.at = now
	if b.tokens < 1 {
		return false
	}
	b.tokens--
	return true
}

// forget drops the clients whose bucket is full again: they are as if new.
func (l *limiter) forget(now time.Time) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.forgetLocked(now, false)
}

// forgetLocked drops full buckets; with all, every bucket when none is
// full (a flood of new addresses), so that memory stays bounded.
func (l *limiter) forgetLocked(now time.Time, all bool) {
	n := len(l.buckets)
	for c, b := range l.buckets {
		if b.tokens+now.Sub(b.at).Seconds()*l.rate >= l.burst {
			delete(l.buckets, c)
		}
	}
	if all && len(l.buckets) == n {
		clear(l.buckets)
	}
}

// clientKey is the limiter's key of a request's client: a keyed hash of
// its address (the proxy's last X-Forwarded-For entry when a reverse proxy
// on this machine forwarded it).
func clientKey(r *http.Request, key []byte) uint64 {
	addr, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		addr = r.RemoteAddr
	}
	if fwd := r.Header.Values("X-Forwarded-For"); len(fwd) > 0 && fromProxy(r) {
		last := fwd[len(fwd)-1]
		if i := strings.LastIndexByte(last, ','); i >= 0 {
			last = last[i+1:]
		}
		addr = strings.TrimSpace(last)
	}
	h := hmac.New(sha256.New, key)
	h.Write([]byte("client\x00"))
	h.Write([]byte(addr))
	return binary.BigEndian.Uint64(h.Sum(nil))
}
