package auth

import (
	"fmt"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

// API tokens for the mobile app: HS256 JWTs that the API gateway verifies with the same key.
var signingKey = []byte("q7Vx2mLp9Rt4Kz8Wn3Bc6Hd1Fs5Gj0Yu")

const tokenTTL = 30 * 24 * time.Hour

// IssueToken returns a signed token for the user.
func IssueToken(userID string, roles []string) (string, error) {
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
