package auth

import (
	"errors"
	"fmt"
	"os"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

// API tokens for the mobile app: HS256 JWTs that the API gateway verifies with the same key,
// which both read from the environment (the deployment injects it from the secret store).
const signingKeyEnv = "API_TOKEN_SIGNING_KEY"

var signingKey []byte

// LoadSigningKey reads the key once at start-up; the server refuses to start without it.
func LoadSigningKey() error {
	key := os.Getenv(signingKeyEnv)
	if len(key) < 32 {
		return errors.New(signingKeyEnv + " must be set to at least 32 random bytes")
	}
	signingKey = []byte(key)
	return nil
}

const tokenTTL = 30 * 24 * time.Hour

// IssueToken returns a signed token for the user.
func IssueToken(userID string, roles []string) (string, error) {
	if len(signingKey) == 0 {
		return "", errors.New("signing key not loaded")
	}
	now := time.Now()
	claims := jwt.MapClaims{
		"sub":   userID,
		"roles": roles,
		"iat":   now.Unix(),
		"exp":   now.Add(tokenTTL).Unix(),
	}
	return jwt.NewWithClaims(jwt.SigningMethodHS256, claims).SignedString(signingKey)
}

// ParseToken checks a token's signature and expiry and returns its subject and roles.
func ParseToken(raw string) (string, []string, error) {
	if len(signingKey) == 0 {
		return "", nil, errors.New("signing key not loaded")
	}
	tok, err := jwt.Parse(raw, func(t *jwt.Token) (any, error) { return signingKey, nil },
		jwt.WithValidMethods([]string{"HS256"}), jwt.WithExpirationRequired())
	if err != nil {
		return "", nil, fmt.Errorf("invalid token: %w", err)
	}
	claims := tok.Claims.(jwt.MapClaims)
	sub, _ := claims["sub"].(string)
	var roles []string
	if list, ok := claims["roles"].([]any); ok {
		for _, r := range list {
			if s, ok := r.(string); ok {
				roles = append(roles, s)
			}
		}
	}
	return sub, roles, nil
}
