ACCESS_KEY = (
    "AKIABDB47O"
    "V42IJ27M5M"
)
MAPS = 'AIzaKkRommM6ZFuUG0ZN' \
    'rnAZ-2cX28YDaKufPiq'
GL = "glpat-1pC" + "CRCQWxtz_i34bfEx4"
