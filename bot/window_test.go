package bot

import (
	"sync"
	"testing"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"
)

// textUpdate is an update of a private chat's text message.
func textUpdate(id int, chat int64) tgbotapi.Update {
	return tgbotapi.Update{UpdateID: id, Message: &tgbotapi.Message{MessageID: id, Chat: &tgbotapi.Chat{ID: chat, Type: "private"}, Text: "x"}}
}

// exitUpdate is a press of the exit button in a private chat.
func exitUpdate(id int, chat int64) tgbotapi.Update {
	return tgbotapi.Update{UpdateID: id, CallbackQuery: &tgbotapi.CallbackQuery{ID: "q", Data: "exit",
		Message: &tgbotapi.Message{MessageID: 1, Chat: &tgbotapi.Chat{ID: chat, Type: "private"}}}}
}

// blocked is a window whose updates are handled only once released, and
// whose dropped updates are recorded.
type blocked struct {
	w       *window
	release chan struct{}
	free    func() // releases every update, now and later
	mu      sync.Mutex
	dropped []int
	notices int
}

func newBlocked(t *testing.T, running int) *blocked {
	b := &blocked{w: newWindow(make(chan struct{}, running)), release: make(chan struct{})}
	b.free = sync.OnceFunc(func() { close(b.release); b.w.wg.Wait() })
	t.Cleanup(b.free)
	return b
}

func (b *blocked) dispatch(ups ...tgbotapi.Update) {
	b.w.dispatch(ups, func(tgbotapi.Update) bool { <-b.release; return true }, func(u tgbotapi.Update, notify bool) {
		b.mu.Lock()
		defer b.mu.Unlock()
		b.dropped = append(b.dropped, u.UpdateID)
		if notify {
			b.notices++
		}
	})
}

// TestWindowCountsWhatCanRun: updates that wait behind their own chat do
// not fill the window, so the loop goes on fetching other chats' updates.
func TestWindowCountsWhatCanRun(t *testing.T) {
	b := newBlocked(t, 4)
	for i := range maxChatBacklog {
		b.dispatch(textUpdate(i+1, 7))
	}
	if b.w.full() {
		t.Errorf("%d updates of one chat, one of which can run, fill a window of four", maxChatBacklog)
	}
	b.dispatch(textUpdate(101, 8), textUpdate(102, 9), textUpdate(103, 10))
	if !b.w.full() {
		t.Error("four chats with an update that can run do not fill a window of four")
	}
}

// TestWindowDropsFlood: past maxChatBacklog updates in flight a chat's
// updates are dropped, with one notice, until it has been quiet for
// floodQuiet; an exit is let through; other chats are not touched.
func TestWindowDropsFlood(t *testing.T) {
	b := newBlocked(t, 64)
	now := time.Unix(1_800_000_000, 0)
	b.w.now = func() time.Time { return now }
	for i := range 20 {
		b.dispatch(textUpdate(i+1, 7))
	}
	b.dispatch(exitUpdate(21, 7), exitUpdate(22, 7), textUpdate(23, 8))
	if len(b.dropped) != 20-maxChatBacklog+1 || b.notices != 1 {
		t.Fatalf("dropped %v with %d notices; want all but the first %d and the second exit, one notice", b.dropped, b.notices, maxChatBacklog)
	}
	if b.w.inflight[21] != true || b.w.inflight[23] != true {
		t.Errorf("the first exit or the other chat's update was dropped: %v", b.dropped)
	}
	// Still flooding, however short its queue, until it has been quiet.
	now = now.Add(floodQuiet - time.Millisecond)
	b.dispatch(textUpdate(24, 7))
	b.free()
	now = now.Add(floodQuiet)
	b.dispatch(textUpdate(25, 7))
	b.w.wg.Wait()
	if b.dropped[len(b.dropped)-1] != 24 || b.w.next != 26 || b.notices != 1 {
		t.Errorf("after the pause: dropped %v, %d notices; want 24 dropped and 25 handled", b.dropped, b.notices)
	}
}
