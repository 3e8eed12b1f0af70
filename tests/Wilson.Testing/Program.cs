// Wilson.Testing is an executable so that tests can start it as a separate process; its
// standalone modes (such as a crash-test worker) are added by later work.
return 0;
