"""The web view (storbild): the lägesbild as server-rendered pages under /storbild/, signed in or by kiosk link."""
