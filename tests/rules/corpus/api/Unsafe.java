import java.io.*;
import java.sql.*;

class Unsafe {
    void run(Connection c, String name, InputStream in) throws Exception {
        Runtime.getRuntime().exec("ping " + name);
        Runtime.getRuntime().exec("uptime");
        new ProcessBuilder("sh", "-c", cmd).start();
        new ProcessBuilder("git", "status").start();
        Statement st = c.createStatement();
        st.executeQuery("SELECT * FROM users WHERE name = '" + name + "'");
        PreparedStatement ps = c.prepareStatement("SELECT * FROM users WHERE name = ?");
        Object o = new ObjectInputStream(in).readObject();
        conn.setHostnameVerifier((h, s) -> true);
        DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
    }
    public void checkServerTrusted(X509Certificate[] chain, String authType) {}
}
