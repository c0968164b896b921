package bot

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"strconv"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"frontdoor/flows"
	"frontdoor/flows/logattr"
)

// sendReplies renders and sends the replies in order and returns the ids of
// the messages sent. A reply that cannot be sent is logged and skipped.
func (t *Telegram) sendReplies(ctx context.Context, chat int64, res flows.Result) []int {
	var ids []int
	for _, r := range res.Replies {
		m := t.cfg.Renderer.Render(res.Lang, r)
		send := t.send
		if m.Document != nil {
			send = t.sendDocument
		}
		id, attempts, err := send(ctx, chat, m)
		if err != nil {
			t.log.LogAttrs(ctx, slog.LevelError, "send_failed", t.chatAttr(chat),
				logattr.Code(errorCode(err)), logattr.Count("attempts", attempts), logattr.Err(err))
			continue
		}
		if r.Transient {
			// It only carried RemoveKeyboard: it must not stay.
			if _, err := t.deleteMessages(ctx, chat, []int{id}); err != nil {
				t.log.LogAttrs(ctx, slog.LevelError, "delete_failed", t.chatAttr(chat), logattr.Code(errorCode(err)), logattr.Err(err))
			}
			continue
		}
		ids = append(ids, id)
		if t.cfg.OnSent != nil {
			t.cfg.OnSent(chat, id)
		}
	}
	return ids
}

// send sends one message silently, retrying on 429, 5xx and network errors.
func (t *Telegram) send(ctx context.Context, chat int64, m Message) (id, attempts int, err error) {
	return t.sendWith(ctx, chat, m, t.maxRetries)
}

// sendWith is send with its own number of retries.
func (t *Telegram) sendWith(ctx context.Context, chat int64, m Message, maxRetries int) (id, attempts int, err error) {
	params, err := t.messageParams(ctx, chat, m)
	if err != nil {
		return 0, 0, err
	}
	resp, attempts, err := t.callRetry(ctx, "sendMessage", params, maxRetries)
	if err != nil {
		return 0, attempts, err
	}
	var sent tgbotapi.Message
	if err := json.Unmarshal(resp.Result, &sent); err != nil {
		return 0, attempts, fmt.Errorf("sendMessage: decode the result: %w", err)
	}
	return sent.MessageID, attempts, nil
}

// callRetry makes a Bot API call, retrying up to maxRetries times on 429,
// 5xx and network errors.
func (t *Telegram) callRetry(ctx context.Context, method string, params tgbotapi.Params, maxRetries int) (resp *tgbotapi.APIResponse, attempts int, err error) {
	attempts, err = retry(ctx, maxRetries, sendDelay, func() (err error) {
		resp, err = t.call(ctx, method, params)
		return err
	}, nil)
	if err != nil {
		return nil, attempts, err
	}
	return resp, attempts, nil
}

// sendDocument sends a file with the text as its caption, arriving as
// arrival says, retrying like send. The library's document config lacks
// protect_content, so the upload is built from Params.
func (t *Telegram) sendDocument(ctx context.Context, chat int64, m Message) (id, attempts int, err error) {
	p := tgbotapi.Params{"chat_id": strconv.FormatInt(chat, 10), "caption": m.Text, "parse_mode": tgbotapi.ModeHTML}
	arrival(p, m)
	file := []tgbotapi.RequestFile{{Name: "document", Data: tgbotapi.FileBytes{Name: m.Document.Name, Bytes: m.Document.Data}}}
	var sent tgbotapi.Message
	attempts, err = retry(ctx, t.maxRetries, sendDelay, func() error {
		cctx, cancel := context.WithTimeout(ctx, requestTimeout)
		defer cancel()
		resp, err := t.bot(cctx).UploadFiles("sendDocument", p, file)
		t.observeCall("sendDocument", err)
		if err != nil {
			return fmt.Errorf("sendDocument: %w", t.redactErr(err))
		}
		if err := json.Unmarshal(resp.Result, &sent); err != nil {
			return fmt.Errorf("sendDocument: decode the result: %w", err)
		}
		return nil
	}, nil)
	if err != nil {
		return 0, attempts, err
	}
	return sent.MessageID, attempts, nil
}

// arrival is the one rule of how a message arrives, from who it is for: a
// woman's phone never rings and what she gets can be neither forwarded nor
// saved; staff at work are not disturbed; what asks operators to act rings.
// Every send path (replies, the outbox, documents) goes through it; edits
// carry neither, as Telegram neither notifies nor re-protects an edit.
func arrival(p tgbotapi.Params, m Message) {
	if m.To != flows.ForOperators {
		p["disable_notification"] = "true"
	}
	if m.Protect || m.To == flows.ForHer {
		p["protect_content"] = "true"
	}
}

// maxButtonData is the most bytes Telegram accepts as a button's data: a
// longer one makes it refuse the whole message.
const maxButtonData = 64

// messageParams builds sendMessage parameters with MakeRequest's Params, so
// that fields newer than the library (protect_content) can be sent. A
// button whose data Telegram would refuse is a mistake of the dialogues
// (their data is short by design: TestButtonDataFitsTelegram): it is left
// out, so that the message and its other buttons arrive, and logged and
// counted without its data.
func (t *Telegram) messageParams(ctx context.Context, chat int64, m Message) (tgbotapi.Params, error) {
	p := tgbotapi.Params{
		"chat_id":    strconv.FormatInt(chat, 10),
		"text":       m.Text,
		"parse_mode": tgbotapi.ModeHTML,
	}
	arrival(p, m)
	var markup any
	switch {
	case m.RemoveKeyboard:
		markup = tgbotapi.ReplyKeyboardRemove{RemoveKeyboard: true}
	case m.LocationLabel != "":
		markup = tgbotapi.ReplyKeyboardMarkup{
			Keyboard:        [][]tgbotapi.KeyboardButton{{{Text: m.LocationLabel, RequestLocation: true}}},
			OneTimeKeyboard: true,
			ResizeKeyboard:  true,
		}
	case m.ContactLabel != "":
		markup = tgbotapi.ReplyKeyboardMarkup{
			Keyboard:        [][]tgbotapi.KeyboardButton{{{Text: m.ContactLabel, RequestContact: true}}},
			OneTimeKeyboard: true,
			ResizeKeyboard:  true,
		}
	case len(m.Buttons) > 0:
		rows := make([][]tgbotapi.InlineKeyboardButton, 0, len(m.Buttons))
		tooLong := 0
		for _, row := range m.Buttons {
			r := make([]tgbotapi.InlineKeyboardButton, 0, len(row))
			for _, b := range row {
				switch {
				case b.URL != "":
					r = append(r, tgbotapi.NewInlineKeyboardButtonURL(b.Label, b.URL))
				case len(b.Data) > maxButtonData:
					tooLong++
				default:
					r = append(r, tgbotapi.NewInlineKeyboardButtonData(b.Label, b.Data))
				}
			}
			if len(r) > 0 || len(row) == 0 {
				rows = append(rows, r)
			}
		}
		if tooLong > 0 {
			t.log.LogAttrs(ctx, slog.LevelError, "button_data_too_long", logattr.Event("button_data_too_long"), t.chatAttr(chat),
				logattr.Count("buttons", tooLong))
		}
		markup = tgbotapi.InlineKeyboardMarkup{InlineKeyboard: rows}
	}
	if markup != nil {
		b, err := json.Marshal(markup)
		if err != nil {
			return nil, fmt.Errorf("sendMessage: encode reply_markup: %w", err)
		}
		p["reply_markup"] = string(b)
	}
	return p, nil
}

// call makes one Bot API call bounded by requestTimeout.
func (t *Telegram) call(ctx context.Context, method string, p tgbotapi.Params) (*tgbotapi.APIResponse, error) {
	cctx, cancel := context.WithTimeout(ctx, requestTimeout)
	defer cancel()
	resp, err := t.bot(cctx).MakeRequest(method, p)
	t.observeCall(method, err)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", method, t.redactErr(err))
	}
	return resp, nil
}

// bot returns a shallow copy of the client whose requests carry ctx: the
// library builds requests without a context, so cancelling ctx would not
// otherwise abort a long poll.
func (t *Telegram) bot(ctx context.Context) *tgbotapi.BotAPI {
	b := *t.api
	b.Client = ctxDoer{ctx, t.client}
	return &b
}

// ctxDoer is a tgbotapi.HTTPClient that attaches its context to requests.
type ctxDoer struct {
	ctx context.Context
	c   *http.Client
}

func (d ctxDoer) Do(req *http.Request) (*http.Response, error) { return d.c.Do(req.WithContext(d.ctx)) }
