package telegramtest

import (
	"math/rand/v2"
	"net/http"
	"slices"
	"strconv"
	"time"
)

// RandomFaults makes a share of the calls misbehave the ways Telegram and
// the networks in between do, drawn from a seeded source so that a failing
// run can be replayed.
type RandomFaults struct {
	// Rate is the share of calls that misbehave, 0 to 1. Each misbehaving
	// call is, in equal shares, a 5xx answer (500, 502 or 503), a 429 with
	// RetryAfter, a slow answer (Slow, then the normal answer) or a dropped
	// connection (closed before any answer; the call is not carried out).
	Rate float64
	Seed uint64
	// RetryAfter is the retry_after of the 429 answers, in seconds (at
	// least 1: Telegram never sends 0).
	RetryAfter int
	// Slow is the delay of a slow answer.
	Slow time.Duration
	// Except are methods that always behave (getMe, for example, which a
	// process calls once to start).
	Except []string
}

// Fault kinds, as counted by FaultCounts.
const (
	Fault5xx     = "5xx"
	Fault429     = "429"
	FaultSlow    = "slow"
	FaultDropped = "dropped"
)

// SetRandomFaults turns random faults on for every call from now on; a zero
// RandomFaults turns them off.
func (s *Server) SetRandomFaults(f RandomFaults) {
	s.mu.Lock()
	defer s.mu.Unlock()
	f.RetryAfter = max(f.RetryAfter, 1)
	s.random = f
	s.rng = rand.New(rand.NewPCG(f.Seed, f.Seed^0x9e3779b97f4a7c15))
	if s.faultCounts == nil {
		s.faultCounts = map[string]int{}
	}
}

// SetLatency makes every call from now on wait d before it is answered,
// as a round trip to Telegram does; 0 turns it off.
func (s *Server) SetLatency(d time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.latency = d
}

// FaultCounts returns how many faults of each kind were injected.
func (s *Server) FaultCounts() map[string]int {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := map[string]int{}
	for k, v := range s.faultCounts {
		out[k] = v
	}
	return out
}

// randomFault injects a fault into the call of method, if the draw says
// so. It reports true when the call was answered (or dropped) and must go
// no further.
func (s *Server) randomFault(w http.ResponseWriter, method string) bool {
	s.mu.Lock()
	f := s.random
	if f.Rate <= 0 || slices.Contains(f.Except, method) || s.rng.Float64() >= f.Rate {
		s.mu.Unlock()
		return false
	}
	kind := []string{Fault5xx, Fault429, FaultSlow, FaultDropped}[s.rng.IntN(4)]
	code := []int{500, 502, 503}[s.rng.IntN(3)]
	s.faultCounts[kind]++
	s.mu.Unlock()

	switch kind {
	case Fault5xx:
		writeError(w, &apiError{code: code, desc: http.StatusText(code)})
	case Fault429:
		writeError(w, &apiError{code: http.StatusTooManyRequests, desc: "Too Many Requests: retry after " + strconv.Itoa(f.RetryAfter), retryAfter: f.RetryAfter})
	case FaultSlow:
		time.Sleep(f.Slow)
		return false
	case FaultDropped:
		if h, ok := w.(http.Hijacker); ok {
			if conn, _, err := h.Hijack(); err == nil {
				conn.Close()
				return true
			}
		}
		writeError(w, &apiError{code: http.StatusBadGateway, desc: "Bad Gateway"})
	}
	return true
}
