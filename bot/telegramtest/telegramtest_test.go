package telegramtest_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"frontdoor/bot/telegramtest"
)

const token = "42:fake-token"

func newAPI(t *testing.T, s *telegramtest.Server) *tgbotapi.BotAPI {
	t.Helper()
	api, err := tgbotapi.NewBotAPIWithClient(token, s.Endpoint(), s.Client())
	if err != nil {
		t.Fatalf("NewBotAPIWithClient: %v", err)
	}
	return api
}

func TestWrongToken(t *testing.T) {
	s := telegramtest.New(t, token)
	_, err := tgbotapi.NewBotAPIWithClient("42:other", s.Endpoint(), s.Client())
	var apiErr *tgbotapi.Error
	if !errors.As(err, &apiErr) || apiErr.Code != 401 || apiErr.Message != "Unauthorized" {
		t.Fatalf("err = %#v, want a 401 Unauthorized", err)
	}
}

func TestGetUpdatesOffsetAndLimit(t *testing.T) {
	s := telegramtest.New(t, token)
	api := newAPI(t, s)
	a := s.Text(1, "it", "one")
	b := s.Command(1, "it", "start", "x y")
	c := s.Press(2, "en", "data")
	d := s.Location(2, 45.1, 9.2)

	ups, err := api.GetUpdates(tgbotapi.UpdateConfig{Limit: 2})
	if err != nil || len(ups) != 2 || ups[0].UpdateID != a || ups[1].UpdateID != b {
		t.Fatalf("first batch = %v, %v", ups, err)
	}
	if m := ups[1].Message; !m.IsCommand() || m.Command() != "start" || m.CommandArguments() != "x y" {
		t.Errorf("command = %q %q", m.Command(), m.CommandArguments())
	}
	ups, err = api.GetUpdates(tgbotapi.UpdateConfig{Offset: b + 1})
	if err != nil || len(ups) != 2 || ups[0].UpdateID != c || ups[1].UpdateID != d {
		t.Fatalf("second batch = %v, %v", ups, err)
	}
	if cq := ups[0].CallbackQuery; cq.Data != "data" || cq.Message.Chat.ID != 2 || cq.From.LanguageCode != "en" {
		t.Errorf("callback = %+v", cq)
	}
	if l := ups[1].Message.Location; l == nil || l.Latitude != 45.1 || ups[1].Message.From.LanguageCode != "en" {
		t.Errorf("location message = %+v", ups[1].Message)
	}
	if s.Pending() != 2 {
		t.Errorf("pending = %d, want 2 (c and d are not confirmed yet)", s.Pending())
	}

	start := time.Now()
	ups, err = api.GetUpdates(tgbotapi.UpdateConfig{Offset: d + 1, Timeout: 1})
	if err != nil || len(ups) != 0 || time.Since(start) < 900*time.Millisecond {
		t.Fatalf("empty long poll = %v, %v after %v", ups, err, time.Since(start))
	}
	if got := s.Offsets(); len(got) != 3 || got[2] != d+1 {
		t.Errorf("offsets = %v", got)
	}
}

func TestLongPollWakesOnUpdate(t *testing.T) {
	s := telegramtest.New(t, token)
	api := newAPI(t, s)
	go func() {
		time.Sleep(50 * time.Millisecond)
		s.Text(1, "it", "late")
	}()
	ups, err := api.GetUpdates(tgbotapi.UpdateConfig{Timeout: 30})
	if err != nil || len(ups) != 1 {
		t.Fatalf("long poll = %v, %v", ups, err)
	}
}

func TestSendMessageAndFaults(t *testing.T) {
	s := telegramtest.New(t, token)
	api := newAPI(t, s)
	s.FailNext("sendMessage", 1, 429, 7)
	s.FailNext("sendMessage", 1, 502, 0)

	_, err := api.Send(tgbotapi.NewMessage(5, "hi"))
	var apiErr *tgbotapi.Error
	if !errors.As(err, &apiErr) || apiErr.Code != 429 || apiErr.RetryAfter != 7 {
		t.Fatalf("first send: %#v, want 429 retry_after 7", err)
	}
	if _, err = api.Send(tgbotapi.NewMessage(5, "hi")); !errors.As(err, &apiErr) || apiErr.Code != 502 {
		t.Fatalf("second send: %#v, want 502", err)
	}
	msg := tgbotapi.NewMessage(5, "<b>hello</b> &amp; bye")
	msg.ParseMode = "HTML"
	msg.ReplyMarkup = tgbotapi.NewInlineKeyboardMarkup(tgbotapi.NewInlineKeyboardRow(tgbotapi.NewInlineKeyboardButtonData("A", "a")))
	m, err := api.Send(msg)
	if err != nil || m.MessageID == 0 {
		t.Fatalf("third send: %v, %v", m, err)
	}
	sent := s.SentTo(5)
	if len(sent) != 1 || sent[0].MessageID != m.MessageID || sent[0].ParseMode != "HTML" ||
		sent[0].ReplyMarkup == nil || *sent[0].ReplyMarkup.InlineKeyboard[0][0].CallbackData != "a" {
		t.Fatalf("sent = %+v", sent)
	}
	if s.Calls("sendMessage") != 3 {
		t.Errorf("calls = %d, want 3", s.Calls("sendMessage"))
	}
}

func TestSendMessageRejectsWhatTelegramRejects(t *testing.T) {
	s := telegramtest.New(t, token)
	api := newAPI(t, s)
	for _, text := range []string{"", "a < b", "x & y", "<b>open", "<script>x</script>", "<b><i>x</b></i>", strings.Repeat("a", 4097)} {
		msg := tgbotapi.NewMessage(5, text)
		msg.ParseMode = "HTML"
		if _, err := api.Send(msg); err == nil {
			t.Errorf("%.20q was accepted", text)
		}
	}
	msg := tgbotapi.NewMessage(5, "ok")
	msg.ReplyMarkup = tgbotapi.NewInlineKeyboardMarkup(tgbotapi.NewInlineKeyboardRow(
		tgbotapi.NewInlineKeyboardButtonData("A", strings.Repeat("d", 65))))
	if _, err := api.Send(msg); err == nil {
		t.Error("65 bytes of callback data were accepted")
	}
	if n := len(s.Sent()); n != 0 {
		t.Errorf("%d messages recorded, want 0", n)
	}
}

func TestJSONBodyAndOtherMethods(t *testing.T) {
	s := telegramtest.New(t, token)
	body, _ := json.Marshal(map[string]any{"chat_id": 9, "text": "json", "protect_content": true,
		"reply_markup": map[string]any{"keyboard": [][]map[string]any{{{"text": "Share", "request_location": true}}}}})
	resp, err := s.Client().Post(s.URL()+"/bot"+token+"/sendMessage", "application/json", bytes.NewReader(body))
	if err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("post: %v %v", resp, err)
	}
	resp.Body.Close()
	sent := s.WaitSent(t, 1, time.Second)
	if sent[0].ChatID != 9 || !sent[0].ProtectContent || !sent[0].ReplyMarkup.Keyboard[0][0].RequestLocation {
		t.Errorf("sent = %+v", sent[0])
	}
	resp, err = s.Client().PostForm(s.URL()+"/bot"+token+"/deleteMessage", url.Values{"chat_id": {"9"}, "message_id": {"1"}})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if s.Calls("deleteMessage") != 1 || s.Requests("deleteMessage")[0]["message_id"] != "1" {
		t.Errorf("deleteMessage not recorded: %v", s.Requests("deleteMessage"))
	}
}

// TestDeleteMessages: deleteMessages is checked like Telegram checks it and
// removes only the ids of that chat from what she sees.
func TestDeleteMessages(t *testing.T) {
	s := telegramtest.New(t, token)
	api := newAPI(t, s)
	s.Text(1, "it", "one")
	s.Press(1, "it", "data") // a button press is no message of hers
	if _, err := api.MakeRequest("sendMessage", tgbotapi.Params{"chat_id": "1", "text": "two"}); err != nil {
		t.Fatal(err)
	}
	s.Text(2, "it", "other chat")
	mine, other := s.Messages(1), s.Messages(2)
	if len(mine) != 2 || len(other) != 1 {
		t.Fatalf("messages: chat 1 %v, chat 2 %v", mine, other)
	}
	for _, tc := range []struct {
		name string
		p    tgbotapi.Params
	}{
		{"no ids", tgbotapi.Params{"chat_id": "1"}},
		{"not json", tgbotapi.Params{"chat_id": "1", "message_ids": "1,2"}},
		{"empty", tgbotapi.Params{"chat_id": "1", "message_ids": "[]"}},
		{"101 ids", tgbotapi.Params{"chat_id": "1", "message_ids": "[" + strings.Repeat("1,", 100) + "1]"}},
		{"no chat", tgbotapi.Params{"message_ids": "[1]"}},
	} {
		if _, err := api.MakeRequest("deleteMessages", tc.p); err == nil {
			t.Errorf("%s: accepted", tc.name)
		}
	}
	ids, _ := json.Marshal(append(mine, other...))
	if _, err := api.MakeRequest("deleteMessages", tgbotapi.Params{"chat_id": "1", "message_ids": string(ids)}); err != nil {
		t.Fatal(err)
	}
	if v := s.Visible(1); len(v) != 0 {
		t.Errorf("chat 1 still shows %v", v)
	}
	if v := s.Visible(2); len(v) != 1 {
		t.Errorf("deleting in chat 1 touched chat 2: %v", v)
	}
}

// A user made unreachable gets nothing: 403, as from Telegram for a user
// who never started the bot; a command typed in a group comes from its
// user, in the group, with the group's title.
func TestUnreachableAndGroupCommand(t *testing.T) {
	s := telegramtest.New(t, token)
	api := newAPI(t, s)
	s.Unreachable(7, true)
	_, err := api.Send(tgbotapi.NewMessage(7, "number"))
	var apiErr *tgbotapi.Error
	if !errors.As(err, &apiErr) || apiErr.Code != 403 || s.SentCount(7) != 0 {
		t.Fatalf("send to an unreachable user: %v", err)
	}
	s.Unreachable(7, false)
	if _, err := api.Send(tgbotapi.NewMessage(7, "number")); err != nil {
		t.Fatalf("send once reachable again: %v", err)
	}
	id := s.GroupCommand(-100, 5, "Operatrici", "collega", "abcd efgh")
	ups, err := api.GetUpdates(tgbotapi.UpdateConfig{})
	if err != nil || len(ups) != 1 || ups[0].UpdateID != id {
		t.Fatalf("updates = %+v, %v", ups, err)
	}
	m := ups[0].Message
	if m.Chat.ID != -100 || m.Chat.Type != "supergroup" || m.Chat.Title != "Operatrici" || m.From.ID != 5 ||
		m.Command() != "collega" || m.CommandArguments() != "abcd efgh" {
		t.Errorf("group command = %+v", m)
	}
}
