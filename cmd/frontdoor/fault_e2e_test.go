package main

import (
	"context"
	"fmt"
	"math/rand/v2"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"frontdoor/bot/telegramtest"
)

// TestFaults: the fake Bot API answers 20 % of the calls with a 5xx, a 429
// with retry_after, a slow answer or a dropped connection, while women ask
// for callbacks. Every update is answered, every confirmed request reaches
// each operator chat exactly once, and once the bot stopped its goroutines
// are gone and its memory is back.
func TestFaults(t *testing.T) {
	if testing.Short() {
		t.Skip("a load under injected faults")
	}
	goroutines, heap := settledRuntime()

	t.Run("serve", func(t *testing.T) {
		api := telegramtest.New(t, testToken)
		dataDir := newDataDir(t)
		addOperators(t, dataDir)
		seed := uint64(time.Now().UnixNano())
		t.Logf("seed %d", seed)
		api.SetRandomFaults(telegramtest.RandomFaults{
			Rate: 0.2, Seed: seed, RetryAfter: 1, Slow: 200 * time.Millisecond,
			// A process that cannot reach Telegram at start exits, for its
			// supervisor to start it again.
			Except: []string{"getMe"},
		})
		stop := startBot(t, api, dataDir)

		women := 12
		if raceEnabled {
			women = 4 // the same paths, at a fraction of the time
		}
		ws := make([]*crashWoman, women)
		var wg sync.WaitGroup
		deadline := time.Now().Add(90 * time.Second)
		for i := range ws {
			ws[i] = &crashWoman{chat: 987670000 + int64(i), phone: fmt.Sprintf("+39 347 200 %04d", i)}
			rng := rand.New(rand.NewPCG(seed, uint64(i)+2))
			wg.Go(func() { ws[i].drive(api, rng, deadline, 45*time.Second) })
		}
		wg.Wait()
		for _, w := range ws {
			if w.unanswered > 0 || !w.confirmed {
				t.Errorf("chat %d: %d steps unanswered, confirmed %v (replies %v, expected %v)", w.chat, w.unanswered, w.confirmed, w.got, w.expected)
			}
			for i := range w.got {
				if w.got[i] != w.expected[i] {
					t.Errorf("chat %d: %d replies to step %d, want %d", w.chat, w.got[i], i, w.expected[i])
				}
			}
		}
		// Every card comes, exactly once.
		for end := time.Now().Add(30 * time.Second); time.Now().Before(end); time.Sleep(50 * time.Millisecond) {
			if api.SentCount(opsGroup) >= women && api.SentCount(opA) >= women && api.SentCount(opB) >= women {
				break
			}
		}
		time.Sleep(1500 * time.Millisecond) // one more outbox round
		code, logs := stop()
		if code != 0 {
			t.Fatalf("exit %d", code)
		}
		cbs, err := openTestStore(t, dataDir).Callbacks(context.Background())
		if err != nil || len(cbs) != women {
			t.Fatalf("%d requests stored, want %d: %v", len(cbs), women, err)
		}
		for _, chat := range []int64{opsGroup, opA, opB} {
			cards := map[string]int{}
			for _, s := range api.SentTo(chat) {
				for _, d := range buttonData(s) {
					if k, ok := strings.CutPrefix(d, "op:take:"); ok {
						cards[k]++
					}
				}
			}
			for _, c := range cbs {
				if cards[c.Ticket] != 1 {
					t.Errorf("chat %d got the card of %s %d times, want once", chat, c.Ticket, cards[c.Ticket])
				}
			}
		}
		for _, bad := range []string{"handler_panic", "handler_error"} {
			if strings.Contains(logs, bad) {
				t.Errorf("%q in the log", bad)
			}
		}
		t.Logf("faults injected: %v over %d getUpdates, %d sendMessage calls", api.FaultCounts(), api.Calls("getUpdates"), api.Calls("sendMessage"))
	})

	// The fake API is closed: its connections are gone, and so must be
	// every goroutine the bot started.
	var g int
	var h uint64
	for end := time.Now().Add(10 * time.Second); ; time.Sleep(100 * time.Millisecond) {
		g, h = settledRuntime()
		if g <= goroutines+2 || time.Now().After(end) {
			break
		}
	}
	t.Logf("goroutines %d → %d; heap %d → %d KiB", goroutines, g, heap>>10, h>>10)
	if g > goroutines+2 {
		buf := make([]byte, 1<<20)
		t.Errorf("goroutines: %d before, %d after the bot stopped:\n%s", goroutines, g, buf[:runtime.Stack(buf, true)])
	}
	if h > heap+32<<20 {
		t.Errorf("heap: %d KiB before, %d KiB after", heap>>10, h>>10)
	}
}

// settledRuntime is the number of goroutines and the live heap after a
// garbage collection.
func settledRuntime() (int, uint64) {
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return runtime.NumGoroutine(), m.HeapAlloc
}
