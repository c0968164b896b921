package store

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/hkdf"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"fmt"
)

// HKDF info strings: one subkey per purpose, so the sealing key and the
// pseudonymisation key are independent even though they share a master key.
const (
	infoSeal = "frontdoor v1 seal aes-256-gcm"
	infoMAC  = "frontdoor v1 record keys hmac-sha256"
)

// errOpen is returned for a record that does not authenticate: a different
// key, a record moved to another key or bucket, or corruption.
var errOpen = errors.New("sealed record does not authenticate (wrong key, moved or corrupted record)")

// sealer seals records with AES-256-GCM and turns chat ids into keyed
// hashes. It is safe for concurrent use.
type sealer struct {
	aead   cipher.AEAD
	macKey []byte
}

func newSealer(master []byte) (*sealer, error) {
	if len(master) != KeySize {
		return nil, fmt.Errorf("master key must be %d bytes (got %d bytes)", KeySize, len(master))
	}
	sk, err := hkdf.Key(sha256.New, master, nil, infoSeal, 32)
	if err != nil {
		return nil, fmt.Errorf("derive sealing key: %w", err)
	}
	mk, err := hkdf.Key(sha256.New, master, nil, infoMAC, 32)
	if err != nil {
		return nil, fmt.Errorf("derive hmac key: %w", err)
	}
	block, err := aes.NewCipher(sk)
	if err != nil {
		return nil, fmt.Errorf("sealing cipher: %w", err)
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		return nil, fmt.Errorf("sealing cipher: %w", err)
	}
	return &sealer{aead: aead, macKey: mk}, nil
}

// ad binds a sealed record to where it lives: bucket name, 0x00, record key.
func ad(bucket string, key []byte) []byte {
	b := make([]byte, 0, len(bucket)+1+len(key))
	b = append(b, bucket...)
	b = append(b, 0)
	return append(b, key...)
}

// seal returns nonce || ciphertext of plaintext, bound to bucket and key.
func (s *sealer) seal(bucket string, key, plaintext []byte) ([]byte, error) {
	ns := s.aead.NonceSize()
	out := make([]byte, ns, ns+len(plaintext)+s.aead.Overhead())
	if _, err := rand.Read(out); err != nil {
		return nil, fmt.Errorf("seal: %w", err)
	}
	return s.aead.Seal(out, out[:ns], plaintext, ad(bucket, key)), nil
}

// open reverses seal; it fails unless the record was sealed with the same
// key for the same bucket and record key.
func (s *sealer) open(bucket string, key, sealed []byte) ([]byte, error) {
	ns := s.aead.NonceSize()
	if len(sealed) < ns+s.aead.Overhead() {
		return nil, errOpen
	}
	pt, err := s.aead.Open(nil, sealed[:ns], sealed[ns:], ad(bucket, key))
	if err != nil {
		return nil, errOpen
	}
	return pt, nil
}

// chatKey is the record key of anything about a chat: HMAC-SHA256 of the
// chat id as 8 bytes big-endian. The raw id never reaches the file.
func (s *sealer) chatKey(chat int64) []byte {
	var id [8]byte
	binary.BigEndian.PutUint64(id[:], uint64(chat))
	m := hmac.New(sha256.New, s.macKey)
	m.Write(id[:])
	return m.Sum(nil)
}

// keyCheck is a value stored in meta at creation so that opening the store
// with another key fails loudly instead of finding no sessions.
func (s *sealer) keyCheck() []byte {
	m := hmac.New(sha256.New, s.macKey)
	m.Write([]byte("frontdoor key check"))
	return m.Sum(nil)
}

// equalConstTime compares two MACs without leaking where they differ.
func equalConstTime(a, b []byte) bool { return hmac.Equal(a, b) }
