package telegramtest

import (
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"
)

// Document queues a file sent by chatID, as Telegram delivers it (a file id
// to fetch with getFile, then a download from /file/bot<token>/<path>), and
// returns its update id.
func (s *Server) Document(chatID int64, lang, name string, data []byte) int {
	m := s.message(chatID, lang)
	s.mu.Lock()
	id := "file" + strconv.Itoa(len(s.files)+1)
	s.files[id] = append([]byte(nil), data...)
	s.mu.Unlock()
	m.Document = &tgbotapi.Document{FileID: id, FileUniqueID: id, FileName: name, MimeType: "application/toml", FileSize: len(data)}
	return s.incoming(m)
}

func (s *Server) getFile(p map[string]string) (any, *apiError) {
	s.mu.Lock()
	data, ok := s.files[p["file_id"]]
	s.mu.Unlock()
	if !ok {
		return nil, badRequest("invalid file_id")
	}
	return tgbotapi.File{FileID: p["file_id"], FileUniqueID: p["file_id"], FileSize: len(data), FilePath: "documents/" + p["file_id"] + ".toml"}, nil
}

// serveFile answers downloads at /file/bot<token>/documents/<file id>.toml.
func (s *Server) serveFile(w http.ResponseWriter, r *http.Request) {
	token, path, _ := strings.Cut(strings.TrimPrefix(r.URL.Path, "/file/bot"), "/")
	id := strings.TrimSuffix(strings.TrimPrefix(path, "documents/"), ".toml")
	s.mu.Lock()
	data, ok := s.files[id]
	s.calls["download"]++
	s.mu.Unlock()
	if token != s.token || !ok {
		http.NotFound(w, r)
		return
	}
	_, _ = w.Write(data)
}

// sendDocument records a file sent by the bot.
func (s *Server) sendDocument(r *http.Request, p map[string]string) (any, *apiError) {
	chatID, err := strconv.ParseInt(p["chat_id"], 10, 64)
	if err != nil {
		return nil, badRequest("chat not found")
	}
	if aerr := s.forbidden(chatID); aerr != nil {
		return nil, aerr
	}
	if r.MultipartForm == nil || len(r.MultipartForm.File["document"]) != 1 {
		return nil, badRequest("there is no document in the request")
	}
	fh := r.MultipartForm.File["document"][0]
	f, err := fh.Open()
	if err != nil {
		return nil, badRequest("document: %v", err)
	}
	defer f.Close()
	data, err := io.ReadAll(f)
	if err != nil || len(data) == 0 {
		return nil, badRequest("file must be non-empty")
	}
	m := Sent{
		ChatID: chatID, Text: p["caption"], ParseMode: p["parse_mode"],
		DisableNotification: p["disable_notification"] == "true", ProtectContent: p["protect_content"] == "true",
		DocumentName: fh.Filename, Document: data,
	}
	if m.Text != "" {
		if aerr := checkText(m.Text, m.ParseMode); aerr != nil {
			return nil, aerr
		}
	}
	s.mu.Lock()
	s.record(&m)
	s.mu.Unlock()
	return tgbotapi.Message{
		MessageID: m.MessageID,
		Chat:      &tgbotapi.Chat{ID: chatID, Type: "private"},
		Date:      int(time.Now().Unix()),
		Document:  &tgbotapi.Document{FileID: fmt.Sprintf("sent%d", m.MessageID), FileName: fh.Filename, FileSize: len(data)},
	}, nil
}
