package bot

import (
	"testing"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"
)

// textUpdate is an update of a private chat's text message.
func textUpdate(id int, chat int64) tgbotapi.Update {
	return tgbotapi.Update{UpdateID: id, Message: &tgbotapi.Message{MessageID: id, Chat: &tgbotapi.Chat{ID: chat, Type: "private"}, Text: "x"}}
}

// TestWindowCountsWhatCanRun: updates that wait behind their own chat do
// not fill the window, so the loop goes on fetching other chats' updates.
func TestWindowCountsWhatCanRun(t *testing.T) {
	sem := make(chan struct{}, 4)
	w := newWindow(sem)
	release := make(chan struct{})
	defer func() { close(release); w.wg.Wait() }()
	handle := func(tgbotapi.Update) bool { <-release; return true }
	var ups []tgbotapi.Update
	for i := range 10 {
		ups = append(ups, textUpdate(i+1, 7))
	}
	w.dispatch(ups, handle)
	if w.full() {
		t.Error("ten updates of one chat, one of which can run, fill a window of four")
	}
	w.dispatch([]tgbotapi.Update{textUpdate(11, 8), textUpdate(12, 9), textUpdate(13, 10)}, handle)
	if !w.full() {
		t.Error("four chats with an update that can run do not fill a window of four")
	}
}
