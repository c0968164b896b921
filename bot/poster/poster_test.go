package poster_test

import (
	"bytes"
	"errors"
	"image/png"
	"testing"

	"github.com/makiuchi-d/gozxing"
	"github.com/makiuchi-d/gozxing/qrcode"

	"frontdoor/bot/poster"
)

// decodeQR reads the QR code in a PNG back, as a phone's camera would.
func decodeQR(t *testing.T, b []byte) string {
	t.Helper()
	img, err := png.Decode(bytes.NewReader(b))
	if err != nil {
		t.Fatalf("not a PNG: %v", err)
	}
	bmp, err := gozxing.NewBinaryBitmapFromImage(img)
	if err != nil {
		t.Fatal(err)
	}
	res, err := qrcode.NewQRCodeReader().Decode(bmp, map[gozxing.DecodeHintType]any{gozxing.DecodeHintType_TRY_HARDER: true})
	if err != nil {
		t.Fatalf("the QR code cannot be read: %v", err)
	}
	return res.GetText()
}

func TestPosterQRDecodesToTheDeepLink(t *testing.T) {
	link, err := poster.DeepLink("@cerca_aiuto_bot", "arca")
	if err != nil {
		t.Fatal(err)
	}
	if link != "https://t.me/cerca_aiuto_bot?start=arca" {
		t.Fatalf("link = %q", link)
	}
	var buf bytes.Buffer
	err = poster.WritePNG(&buf, poster.Poster{
		Link:  link,
		Title: "ARCA – Rete del Comune di Cremona, un nome abbastanza lungo da andare a capo",
		Lines: []string{"Informazioni, orari e numeri utili.", "Riservato e gratuito."},
		Hint:  "Inquadra il codice con la fotocamera del telefono.",
	})
	if err != nil {
		t.Fatal(err)
	}
	if got := decodeQR(t, buf.Bytes()); got != link {
		t.Errorf("QR code = %q, want %q", got, link)
	}
	cfg, err := png.DecodeConfig(bytes.NewReader(buf.Bytes()))
	if err != nil || cfg.Width != 1240 || cfg.Height != 1754 {
		t.Errorf("size %dx%d, %v; want A4 at 150 dpi", cfg.Width, cfg.Height, err)
	}
}

func TestDeepLinkRefuses(t *testing.T) {
	for _, tc := range []struct{ bot, network string }{
		{"", "arca"},
		{"bad name", "arca"},
		{"bot/../x", "arca"},
		{"good_bot", ""},
		{"good_bot", "has space"},
		{"good_bot", "è"},
		{"good_bot", string(bytes.Repeat([]byte("a"), 65))},
	} {
		if link, err := poster.DeepLink(tc.bot, tc.network); err == nil {
			t.Errorf("DeepLink(%q, %q) = %q, want an error", tc.bot, tc.network, link)
		}
	}
}

func TestWebLink(t *testing.T) {
	for base, want := range map[string]string{
		"https://info.example.org":       "https://info.example.org/?n=arca",
		"https://info.example.org/door/": "https://info.example.org/door/?n=arca",
		"http://127.0.0.1:8080/":         "http://127.0.0.1:8080/?n=arca",
	} {
		if got, err := poster.WebLink(base, "arca"); err != nil || got != want {
			t.Errorf("WebLink(%q) = %q, %v; want %q", base, got, err, want)
		}
	}
	for _, tc := range []struct{ base, network string }{
		{"info.example.org", "arca"}, {"ftp://x.org/", "arca"}, {"https://user:pw@x.org/", "arca"},
		{"https://x.org/#top", "arca"}, {"https://x.org/", "has space"}, {"https://x.org/", ""},
	} {
		if link, err := poster.WebLink(tc.base, tc.network); err == nil {
			t.Errorf("WebLink(%q, %q) = %q, want an error", tc.base, tc.network, link)
		}
	}
}

func TestPosterNeedsLinkAndTitle(t *testing.T) {
	for _, p := range []poster.Poster{{Title: "x"}, {Link: "https://t.me/x_bot"}} {
		if err := poster.WritePNG(&bytes.Buffer{}, p); err == nil {
			t.Errorf("WritePNG(%+v) succeeded", p)
		}
	}
}

func TestPosterScripts(t *testing.T) {
	for _, tc := range []struct {
		line string
		ok   bool
	}{
		{"Informazioni, orari e numeri utili.", true},
		{"Информация, часы работы и полезные номера.", true},
		{"Zeskanuj kod aparatem telefonu: otworzy się czat.", true},
		{"معلومات ومواعيد وأرقام مفيدة", false},
		{"您附近中心的信息", false},
	} {
		err := poster.WritePNG(&bytes.Buffer{}, poster.Poster{Link: "https://t.me/x_bot?start=arca", Title: "Arca", Lines: []string{tc.line}})
		if (err == nil) != tc.ok || (err != nil && !errors.Is(err, poster.ErrScript)) {
			t.Errorf("%q: %v, want ok=%v", tc.line, err, tc.ok)
		}
	}
}
