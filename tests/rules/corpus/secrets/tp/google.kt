object Maps {
    const val KEY = "AIzarcvFziv_0qbnglOabkht6k66CATdMPLbAZ1"
}
