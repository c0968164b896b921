package main

import (
	"bytes"
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"frontdoor/bot/telegramtest"
)

// crashStep is one thing a woman does in the crash test, and how many
// messages the bot answers it with.
type crashStep struct {
	do      func(api *telegramtest.Server, chat int64, phone string) int
	replies int
}

func press(data string) crashStep {
	return crashStep{func(api *telegramtest.Server, chat int64, _ string) int { return api.Press(chat, "it", data) }, 1}
}

// callbackScript is the whole callback request, from /start to "✅".
var callbackScript = []crashStep{
	{func(api *telegramtest.Server, chat int64, _ string) int { return api.Command(chat, "it", "start", "") }, 1},
	{press("cb:c:arca-cremona").do, 2},
	{func(api *telegramtest.Server, chat int64, phone string) int { return api.Contact(chat, phone) }, 1},
	press("cb:w:asap"), press("cb:wok"), press("cb:m:none"), press("cb:h:yes"), press("cb:s:wrong"), press("cb:l:it"), press("cb:ok"),
}

// crashWoman is what one woman of the crash test sent and saw: the number
// of replies seen in the window of each of her updates (from queuing it to
// queuing the next) and whether she was told "✅".
type crashWoman struct {
	chat      int64
	phone     string
	expected  []int
	got       []int
	confirmed bool
	// unanswered counts the steps whose replies did not come within the
	// patience of drive.
	unanswered int
	// replays counts the "✅" she got beyond the first.
	replays int
}

// drive plays the callback script closed-loop, waiting for each reply up
// to patience. A reply that does not come (the bot died after committing
// and before sending) makes her do the step again, as she would.
func (w *crashWoman) drive(api *telegramtest.Server, rng *rand.Rand, deadline time.Time, patience time.Duration) {
	for i := 0; i < len(callbackScript) && time.Now().Before(deadline); {
		st := callbackScript[i]
		before := api.SentCount(w.chat)
		st.do(api, w.chat, w.phone)
		w.expected = append(w.expected, st.replies)
		ok := false
		for wait := time.Now().Add(patience); time.Now().Before(wait) && time.Now().Before(deadline); {
			if api.SentCount(w.chat) >= before+st.replies {
				ok = true
				break
			}
			time.Sleep(5 * time.Millisecond)
		}
		time.Sleep(time.Duration(10+rng.IntN(40)) * time.Millisecond)
		w.got = append(w.got, api.SentCount(w.chat)-before)
		if ok {
			sent := api.SentTo(w.chat)
			if i == len(callbackScript)-1 && strings.HasPrefix(sent[len(sent)-1].Text, "✅") {
				w.confirmed = true
			}
			i++
		} else {
			w.unanswered++
		}
	}
}

// TestCrashCycles runs the real binary under a load of women asking for
// callbacks, kills it with SIGKILL at random moments 20 times and restarts
// it on the same data directory. At the end every callback confirmed to a
// woman is in the store and its card reached each operator chat (a kill
// between sending a card and recording it sends it again: counted, at most
// one per kill); and no update was answered twice.
func TestCrashCycles(t *testing.T) {
	if testing.Short() || raceEnabled {
		// The binary is built without the race detector: the race run
		// would only repeat the same test.
		t.Skip("builds and kills the binary 20 times; not in -short or -race runs")
	}
	bin := filepath.Join(t.TempDir(), "frontdoor")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	api := telegramtest.New(t, testToken)
	dataDir := newDataDir(t)
	addOperators(t, dataDir)

	var logs syncBuffer
	var current *exec.Cmd
	t.Cleanup(func() { // a failed test leaves no process behind
		if current != nil && current.ProcessState == nil {
			_ = current.Process.Kill()
			_ = current.Wait()
		}
	})
	start := func() *exec.Cmd {
		cmd := exec.Command(bin)
		cmd.Env = append(os.Environ(),
			"FRONTDOOR_TELEGRAM_TOKEN="+testToken, "FRONTDOOR_TELEGRAM_API="+api.Endpoint(),
			"FRONTDOOR_DATA="+dataDir, "FRONTDOOR_HTTP=off", "FRONTDOOR_KEY=")
		cmd.Stderr = &logs
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		current = cmd
		return cmd
	}

	const women, cycles = 40, 20
	seed := uint64(time.Now().UnixNano())
	t.Logf("seed %d", seed)
	rng := rand.New(rand.NewPCG(seed, 1))
	ws := make([]*crashWoman, women)
	var wg sync.WaitGroup
	deadline := time.Now().Add(60 * time.Second)
	for i := range ws {
		ws[i] = &crashWoman{chat: 987660000 + int64(i), phone: fmt.Sprintf("+39 347 100 %04d", i)}
		wrng := rand.New(rand.NewPCG(seed, uint64(i)+2))
		delay := time.Duration(wrng.IntN(8000)) * time.Millisecond
		wg.Go(func() {
			time.Sleep(delay)
			ws[i].drive(api, wrng, deadline, 2500*time.Millisecond)
		})
	}

	for range cycles {
		cmd := start()
		time.Sleep(time.Duration(150+rng.IntN(500)) * time.Millisecond)
		if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
			t.Fatal(err)
		}
		_ = cmd.Wait()
	}
	// The last run is left alone until everyone is done and the outbox
	// is empty.
	cmd := start()
	wg.Wait()
	if time.Now().After(deadline) {
		t.Fatalf("the women did not finish within a minute")
	}

	confirmed, answers, extra, replayed := 0, 0, 0, 0
	for _, w := range ws {
		// Any "✅" the fake API carried counts, whichever step it answered.
		for _, m := range api.SentTo(w.chat) {
			if strings.HasPrefix(m.Text, "✅") {
				w.confirmed = true
				w.replays++
			}
		}
		if w.confirmed {
			confirmed++
			w.replays--
		}
		replayed += w.replays
		// Replies arrive after their update, never before: the replies
		// counted up to any window are at most those expected up to it,
		// unless an update was answered twice. The one exception is "✅":
		// sent again when its update comes back after a kill, for a kill
		// between sending it and acknowledging the update.
		sumGot, sumWant := 0, 0
		for i := range w.got {
			sumGot += w.got[i]
			sumWant += w.expected[i]
			if sumGot > sumWant+w.replays {
				t.Errorf("chat %d: %d replies up to update %d, want at most %d: an update was answered twice (%v, expected %v)",
					w.chat, sumGot, i, sumWant, w.got, w.expected)
				break
			}
		}
		answers += sumGot
		extra += len(w.got) - len(callbackScript)
	}
	if confirmed == 0 {
		t.Fatal("no callback was confirmed: the load did not run")
	}

	// Every callback in the store reaches the three operator chats.
	db := func() map[string]string { // ticket → phone, read after the stop
		if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
			t.Fatal(err)
		}
		if err := cmd.Wait(); err != nil {
			t.Fatalf("the last run: %v", err)
		}
		cbs, err := openTestStore(t, dataDir).Callbacks(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		out := map[string]string{}
		for _, c := range cbs {
			out[c.Ticket] = c.Phone
		}
		return out
	}
	cardsDone := func() bool {
		for _, chat := range []int64{opsGroup, opA, opB} {
			if api.SentCount(chat) < confirmed {
				return false
			}
		}
		return true
	}
	for end := time.Now().Add(15 * time.Second); !cardsDone() && time.Now().Before(end); {
		time.Sleep(50 * time.Millisecond)
	}
	time.Sleep(1500 * time.Millisecond) // one more outbox round
	tickets := db()
	phones := map[string]bool{}
	for _, p := range tickets {
		phones[p] = true
	}
	for _, w := range ws {
		stored := phones["+39"+strings.ReplaceAll(strings.TrimPrefix(w.phone, "+39"), " ", "")]
		if w.confirmed && !stored {
			t.Errorf("chat %d was told ✅ and her request is not in the store", w.chat)
		}
		if stored && !w.confirmed {
			var firsts []string
			for _, m := range api.SentTo(w.chat) {
				first, _, _ := strings.Cut(m.Text, "\n")
				firsts = append(firsts, first)
			}
			t.Errorf("chat %d: her request is stored and she was never told ✅; got %v, expected %v; she read %q", w.chat, w.got, w.expected, firsts)
		}
	}
	for _, w := range ws { // replies that came after her last step count too
		want := 0
		for _, n := range w.expected {
			want += n
		}
		if got := api.SentCount(w.chat); got > want+w.replays {
			t.Errorf("chat %d: %d replies in all, want at most %d: an update was answered twice", w.chat, got, want)
		}
	}
	duplicates := 0
	for _, chat := range []int64{opsGroup, opA, opB} {
		cards := map[string]int{}
		for _, s := range api.SentTo(chat) {
			for _, d := range buttonData(s) {
				if k, ok := strings.CutPrefix(d, "op:take:"); ok {
					cards[k]++
				}
			}
		}
		for k := range tickets {
			if n := cards[k]; n == 0 {
				t.Errorf("chat %d never got the card of ticket %s", chat, k)
			} else {
				duplicates += n - 1
			}
		}
		for k := range cards {
			if _, ok := tickets[k]; !ok {
				t.Errorf("chat %d got a card of ticket %s the store does not hold", chat, k)
			}
		}
	}
	// The outbox sends one message at a time and records it at once: a
	// kill leaves at most one card sent and unrecorded, sent again later.
	if duplicates > cycles {
		t.Errorf("%d duplicate cards for %d kills", duplicates, cycles)
	}
	for _, bad := range []string{"handler_panic", "handler_error", "level=ERROR"} {
		if n := strings.Count(logs.String(), bad); n > 0 {
			t.Errorf("%d %q in the logs", n, bad)
		}
	}
	t.Logf("%d kills; %d women, %d confirmed, %d requests stored, %d replies, %d steps done again after a lost reply, %d confirmations sent again; %d duplicate cards (crash between sending and recording)",
		cycles, women, confirmed, len(tickets), answers, extra, replayed, duplicates)
	if !bytes.Contains([]byte(logs.String()), []byte("update_handled")) {
		t.Error("no update_handled in the logs")
	}
}
