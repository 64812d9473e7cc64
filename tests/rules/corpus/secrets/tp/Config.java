public final class Config {
    private static final String DB_PASSWORD = "M+2n8XXkZSwesPso";
    static String clientSecret = "MXfuFs0G2bkevnVTAJt9Ps_QmvvOpYZDFY";
}
