from expe.cli import main

main()
