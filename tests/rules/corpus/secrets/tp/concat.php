<?php
$key = 'SG.QZwLU8v62axmMI3r7D_NxI.lW_T' . 'eYvdenFahSOTL5MaBk7m7qH3cuXQfdUXusRMpVi';
