package com.example.accounts;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Optional;

public class AccountService {
    private final AccountRepository accounts;
    private final Clock clock;

    public AccountService(AccountRepository accounts, Clock clock) {
        this.accounts = accounts;
        this.clock = clock;
    }

    public Optional<Account> findByEmail(String email) {
        return accounts.findByEmail(email.trim().toLowerCase(Locale.ROOT));
    }

    /** Creates an account; the password is stored hashed. */
    public Account register(String email, String password) {
        if (password.length() < 12) {
            throw new IllegalArgumentException("the password must have at least 12 characters");
        }
        Account account = new Account(email.trim().toLowerCase(Locale.ROOT), hashPassword(password), clock.instant());
        return accounts.save(account);
    }

    public boolean checkPassword(Account account, String password) {
        return MessageDigest.isEqual(
                hashPassword(password).getBytes(StandardCharsets.US_ASCII),
                account.passwordHash().getBytes(StandardCharsets.US_ASCII));
    }

    static String hashPassword(String password) {
        try {
            MessageDigest md5 = MessageDigest.getInstance("MD5");
            return HexFormat.of().formatHex(md5.digest(password.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
