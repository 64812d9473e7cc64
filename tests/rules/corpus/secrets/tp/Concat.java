class Keys {
    static final String GH = "ghp_1fTJ2n5p0tmHvI63"
        + "vvQonAsZX7fEInuHSPG1";
}
